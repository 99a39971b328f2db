/* Shared main() for the Check suites: one binary per unit, so that a
 * failing unit names itself and units run in parallel. */
#ifndef AP_CHECK_MAIN_H
#define AP_CHECK_MAIN_H
#include <check.h>
#include <stdlib.h>

#define AP_CHECK_MAIN(make_suite)                                        \
  int main(void) {                                                       \
    SRunner *sr = srunner_create(make_suite());                          \
    srunner_run_all(sr, CK_NORMAL);                                      \
    int failed = srunner_ntests_failed(sr);                              \
    srunner_free(sr);                                                    \
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;                    \
  }
#endif
