/*
 * unit.h - the shared CUnit runner's contract. Each tests/unit/test_<module>.c defines
 * unit_suites[], ending with { NULL }: suites named by the source path they test, cases
 * named "function/case". unit_main.c runs them, prints PASS/FAIL per case in the test
 * suite's format, and exits 1 when any assertion failed.
 */
#ifndef IDR_TESTS_UNIT_H
#define IDR_TESTS_UNIT_H

#include <CUnit/CUnit.h>

struct unit_suite {
	const char *name;
	CU_TestInfo *tests;
	int (*init)(void);
	int (*cleanup)(void);
};

extern const struct unit_suite unit_suites[];

#endif
