/*
 * The life of a case (ärende) and the legal moves between its states, in
 * one table (case_flow.c). A case comes in as an application (ansökan) or
 * as a report of concern about a child (orosanmälan):
 *
 *   application:  received ──open investigation──▶ investigation
 *   child report: preliminary ──open investigation──▶ investigation
 *                 preliminary ──not opened──▶ closed           (R1.2)
 *   investigation ──extend──▶ investigation                    (R1.3)
 *   investigation ──decide──▶ decided ──start intervention──▶ intervention
 *   intervention ──follow up──▶ follow-up ──resume──▶ intervention
 *   any open state but preliminary ──close──▶ closed
 *   closed ──reopen──▶ investigation  (only a case that was investigated;
 *                                      the clock is not reset, R1.3)
 *
 * Pure: the caller passes what it knows of the case (struct case_facts)
 * and gets the new state or the reason the move is refused.
 */
#ifndef NARA_CASE_FLOW_H
#define NARA_CASE_FLOW_H

enum case_kind {
	CASE_APPLICATION,  /* ansökan, from the person */
	CASE_CHILD_REPORT, /* orosanmälan, about a child */
	CASE_KIND_COUNT
};

enum case_state {
	CS_RECEIVED,	  /* inkommen: an application not yet investigated */
	CS_PRELIMINARY,	  /* förhandsbedömning of a report */
	CS_INVESTIGATION, /* utredning */
	CS_DECIDED,	  /* beslut fattat */
	CS_INTERVENTION,  /* insats pågår */
	CS_FOLLOW_UP,	  /* uppföljning */
	CS_CLOSED,	  /* avslutat */
	CS_COUNT
};

enum case_action {
	CA_OPEN_INVESTIGATION, /* inleda utredning */
	CA_NOT_OPEN,	       /* inte inleda utredning (R1.2) */
	CA_EXTEND,	       /* förlänga utredningstiden (R1.3) */
	CA_DECIDE,	       /* fatta beslut (R2.2) */
	CA_START_INTERVENTION, /* påbörja insats */
	CA_FOLLOW_UP,	       /* följa upp */
	CA_RESUME,	       /* återuppta insats efter uppföljning */
	CA_CLOSE,	       /* avsluta */
	CA_REOPEN,	       /* återuppta ett avslutat ärende */
	CA_COUNT
};

/* What the flow needs to know of the case beyond its state. */
struct case_facts {
	enum case_kind kind;
	enum case_state state;
	int was_investigated;	  /* an investigation was opened at some time */
	int has_granted_decision; /* a decision granted wholly or in part */
};

enum case_flow_result {
	FLOW_OK = 0,
	FLOW_ILLEGAL,		 /* no such move from this state */
	FLOW_WRONG_KIND,	 /* not for this kind of case */
	FLOW_NEEDS_GRANTED,	 /* an intervention needs a granted decision */
	FLOW_NEEDS_INVESTIGATED, /* only an investigated case is reopened */
};

/* The state after `action`, in *to; FLOW_OK or why not. */
enum case_flow_result case_flow_next(const struct case_facts *c,
				     enum case_action action,
				     enum case_state *to);

/* The state a new case starts in. */
enum case_state case_flow_initial(enum case_kind kind);

/* 1 for every state but closed. */
int case_flow_is_open(enum case_state s);

/* Names as stored and as used in forms ("investigation"); -1 if unknown. */
const char *case_state_name(enum case_state s);
int case_state_parse(const char *name);
const char *case_action_name(enum case_action a);
int case_action_parse(const char *name);
const char *case_kind_name(enum case_kind k);
int case_kind_parse(const char *name);

#endif
