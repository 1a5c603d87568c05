/*
 * unit_main.c - the runner every unit test binary shares (see unit.h).
 * CUnit's own convention (return CU_get_error()) exits 0 when assertions fail; this one
 * exits 1 on any failed assertion, failed suite set-up, or registry error.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <CUnit/CUnit.h>
#include <CUnit/TestRun.h>

#include "unit.h"

static void case_done(const CU_pTest test, const CU_pSuite suite, const CU_pFailureRecord fail)
{
	if (!fail) {
		printf("PASS unit %s: %s\n", suite->pName, test->pName);
		return;
	}
	printf("FAIL unit %s: %s:", suite->pName, test->pName);
	for (CU_pFailureRecord f = fail; f; f = f->pNext)
		printf(" [%s:%u %s]", f->strFileName, f->uiLineNumber, f->strCondition);
	printf("\n");
}

static void suite_init_failed(const CU_pSuite suite)
{
	printf("FAIL unit %s: suite set-up failed\n", suite->pName);
}

int main(void)
{
	const struct unit_suite *s;
	CU_pSuite suite;
	CU_TestInfo *t;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS) {
		printf("FAIL unit: CUnit registry: %s\n", CU_get_error_msg());
		return 1;
	}
	for (s = unit_suites; s->name; s++) {
		suite = CU_add_suite(s->name, s->init, s->cleanup);
		if (!suite)
			goto err;
		for (t = s->tests; t->pName; t++)
			if (!CU_add_test(suite, t->pName, t->pTestFunc))
				goto err;
	}
	CU_set_test_complete_handler(case_done);
	CU_set_suite_init_failure_handler(suite_init_failed);
	if (CU_run_all_tests() != CUE_SUCCESS)
		goto err;
	failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
err:
	printf("FAIL unit: CUnit: %s\n", CU_get_error_msg());
	CU_cleanup_registry();
	return 1;
}
