/* check_version.c -- one version number: configure's, the header's and
 * the library's agree, and the plugin ABI the loader accepts is the
 * header's. */
#include <check.h>
#include <string.h>

#include "apical.h"
#include "plugin/loader.h"

START_TEST(versions_agree) {
  ck_assert_str_eq(AP_VERSION, PACKAGE_VERSION);
  ck_assert_str_eq(ap_version(), AP_VERSION);
}
END_TEST

START_TEST(abi_in_table_macro) {
  static const ap_plugin_desc none[1] = {{0}};
  const ap_plugin_table t = AP_PLUGIN_TABLE_INIT(none);
  ck_assert_uint_eq(t.abi_major, AP_ABI_MAJOR);
  ck_assert_uint_eq(t.abi_minor, AP_ABI_MINOR);
  ck_assert_uint_eq(t.sizeof_real, sizeof(ap_real));
  ck_assert_uint_eq(t.n, 1);
  /* The header and the loader agree on what a valid table looks like: the
   * table above fails on its empty descriptor, not on its header. */
  char err[256];
  ck_assert_int_eq(ap_plugin_validate(&t, err, sizeof err), AP_EPLUGIN);
  ck_assert_msg(strstr(err, "descriptor 0") != NULL, "unexpected: %s", err);
}
END_TEST

static Suite *make_version_suite(void) {
  Suite *s = suite_create("version");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, versions_agree);
  tcase_add_test(tc, abi_in_table_macro);
  suite_add_tcase(s, tc);
  return s;
}

#include "check_main.h"
AP_CHECK_MAIN(make_version_suite)
