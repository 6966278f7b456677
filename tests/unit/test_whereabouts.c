/*
 * R4.4: a message that would carry a protected person's address, postal
 * code or telephone number is found, however it is typed; ordinary text,
 * and details too short to tell anything, are not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the headers above first. */
#include <cmocka.h>

#include "policy/whereabouts.h"

static const struct whereabouts anna = {
    .address = "Ödåkragatan 12 B",
    .postal_code = "252 25",
    .phone = "070-123 45 67",
};

static void test_address_as_typed(void **state)
{
	(void)state;
	assert_string_equal(whereabouts_in_text("Vi ses på Ödåkragatan 12 B",
						&anna),
			    "address");
	assert_string_equal(
	    whereabouts_in_text("ÖDÅKRAGATAN 12B, ring på", &anna), "address");
	assert_string_equal(
	    whereabouts_in_text("ödåkra-gatan 12 b", &anna), "address");
	/* Another number on the same street is not her address. */
	assert_null(whereabouts_in_text("Ödåkragatan 14", &anna));
}

static void test_postal_code_and_phone(void **state)
{
	(void)state;
	assert_string_equal(whereabouts_in_text("Postnummer 25225.", &anna),
			    "postal_code");
	assert_string_equal(whereabouts_in_text("252 25 Helsingborg", &anna),
			    "postal_code");
	assert_string_equal(whereabouts_in_text("Ring 0701234567", &anna),
			    "phone");
	assert_string_equal(
	    whereabouts_in_text("Ring +46 70 123 45 67 i kväll", &anna),
	    "phone");
	assert_null(whereabouts_in_text("Ring 070-765 43 21", &anna));
}

static void test_ordinary_text_passes(void **state)
{
	(void)state;
	assert_null(whereabouts_in_text(
	    "Hej! Vi har fått din ansökan och hör av oss i veckan.", &anna));
	assert_null(whereabouts_in_text("", &anna));
	assert_null(whereabouts_in_text(NULL, &anna));
	/* Details too short to tell anything are not looked for. */
	const struct whereabouts shortish = {
	    .address = "By 1", .postal_code = "12", .phone = "112"};
	assert_null(whereabouts_in_text("By 1 ringer 112 kl 12", &shortish));
	/* A person without details: nothing to find. */
	const struct whereabouts none = {0};
	assert_null(whereabouts_in_text("Storgatan 1, 252 25", &none));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_address_as_typed),
	    cmocka_unit_test(test_postal_code_and_phone),
	    cmocka_unit_test(test_ordinary_text_passes),
	};
	return cmocka_run_group_tests_name("whereabouts", tests, NULL, NULL);
}
