/*
 * The case's legal moves; see case_flow.h. Every move is a row of
 * `moves`: a move that is not in the table is refused, so adding a state
 * or an action never opens a path by accident.
 */
#include "policy/case_flow.h"

#include <stddef.h>
#include <string.h>

enum { ANY_KIND = -1 };

static const struct move {
	enum case_state from;
	enum case_action action;
	enum case_state to;
	int kind; /* enum case_kind, or ANY_KIND */
} moves[] = {
    {CS_RECEIVED, CA_OPEN_INVESTIGATION, CS_INVESTIGATION, CASE_APPLICATION},
    {CS_RECEIVED, CA_CLOSE, CS_CLOSED, CASE_APPLICATION},
    {CS_PRELIMINARY, CA_OPEN_INVESTIGATION, CS_INVESTIGATION,
     CASE_CHILD_REPORT},
    {CS_PRELIMINARY, CA_NOT_OPEN, CS_CLOSED, CASE_CHILD_REPORT},
    {CS_INVESTIGATION, CA_EXTEND, CS_INVESTIGATION, ANY_KIND},
    {CS_INVESTIGATION, CA_DECIDE, CS_DECIDED, ANY_KIND},
    {CS_INVESTIGATION, CA_CLOSE, CS_CLOSED, ANY_KIND},
    /* Later decisions (a changed or a further intervention) keep the state. */
    {CS_DECIDED, CA_DECIDE, CS_DECIDED, ANY_KIND},
    {CS_DECIDED, CA_START_INTERVENTION, CS_INTERVENTION, ANY_KIND},
    {CS_DECIDED, CA_CLOSE, CS_CLOSED, ANY_KIND},
    {CS_INTERVENTION, CA_DECIDE, CS_INTERVENTION, ANY_KIND},
    {CS_INTERVENTION, CA_FOLLOW_UP, CS_FOLLOW_UP, ANY_KIND},
    {CS_INTERVENTION, CA_CLOSE, CS_CLOSED, ANY_KIND},
    {CS_FOLLOW_UP, CA_DECIDE, CS_FOLLOW_UP, ANY_KIND},
    {CS_FOLLOW_UP, CA_RESUME, CS_INTERVENTION, ANY_KIND},
    {CS_FOLLOW_UP, CA_CLOSE, CS_CLOSED, ANY_KIND},
    {CS_CLOSED, CA_REOPEN, CS_INVESTIGATION, ANY_KIND},
};

enum case_flow_result case_flow_next(const struct case_facts *c,
				     enum case_action action,
				     enum case_state *to)
{
	const struct move *found = NULL;
	int wrong_kind = 0;
	for (size_t i = 0; i < sizeof(moves) / sizeof(moves[0]); i++) {
		const struct move *m = &moves[i];
		if (m->from != c->state || m->action != action)
			continue;
		if (m->kind != ANY_KIND && m->kind != (int)c->kind) {
			wrong_kind = 1;
			continue;
		}
		found = m;
		break;
	}
	if (found == NULL)
		return wrong_kind ? FLOW_WRONG_KIND : FLOW_ILLEGAL;
	if (action == CA_START_INTERVENTION && !c->has_granted_decision)
		return FLOW_NEEDS_GRANTED;
	if (action == CA_REOPEN && !c->was_investigated)
		return FLOW_NEEDS_INVESTIGATED;
	*to = found->to;
	return FLOW_OK;
}

enum case_state case_flow_initial(enum case_kind kind)
{
	return kind == CASE_CHILD_REPORT ? CS_PRELIMINARY : CS_RECEIVED;
}

int case_flow_is_open(enum case_state s)
{
	return s != CS_CLOSED;
}

static const char *const state_names[CS_COUNT] = {
    [CS_RECEIVED] = "received",
    [CS_PRELIMINARY] = "preliminary",
    [CS_INVESTIGATION] = "investigation",
    [CS_DECIDED] = "decided",
    [CS_INTERVENTION] = "intervention",
    [CS_FOLLOW_UP] = "follow_up",
    [CS_CLOSED] = "closed",
};

static const char *const action_names[CA_COUNT] = {
    [CA_OPEN_INVESTIGATION] = "open_investigation",
    [CA_NOT_OPEN] = "not_open",
    [CA_EXTEND] = "extend",
    [CA_DECIDE] = "decide",
    [CA_START_INTERVENTION] = "start_intervention",
    [CA_FOLLOW_UP] = "follow_up",
    [CA_RESUME] = "resume",
    [CA_CLOSE] = "close",
    [CA_REOPEN] = "reopen",
};

static const char *const kind_names[CASE_KIND_COUNT] = {
    [CASE_APPLICATION] = "application",
    [CASE_CHILD_REPORT] = "child_report",
};

static int parse(const char *const *names, int count, const char *name)
{
	if (name == NULL)
		return -1;
	for (int i = 0; i < count; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

const char *case_state_name(enum case_state s)
{
	return (int)s >= 0 && s < CS_COUNT ? state_names[s] : "unknown";
}

int case_state_parse(const char *name)
{
	return parse(state_names, CS_COUNT, name);
}

const char *case_action_name(enum case_action a)
{
	return (int)a >= 0 && a < CA_COUNT ? action_names[a] : "unknown";
}

int case_action_parse(const char *name)
{
	return parse(action_names, CA_COUNT, name);
}

const char *case_kind_name(enum case_kind k)
{
	return (int)k >= 0 && k < CASE_KIND_COUNT ? kind_names[k] : "unknown";
}

int case_kind_parse(const char *name)
{
	return parse(kind_names, CASE_KIND_COUNT, name);
}
