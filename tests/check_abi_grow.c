/* check_abi_grow.c -- a host whose structures have grown (a simulated
 * next minor of the ABI: tests/abi/grow.sed appends a field to ap_net, ap_net_pop,
 * ap_net_proj and ap_rule_ctx) hands a network to a backend built for
 * this apical's ABI (tests/fixtures/abi/probe_backend.c), which must read every
 * population, projection and rule context right: the arrays it gets are
 * of pointers, and it copies a context by its own size. */
#include <check.h>
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "backend.h" /* the grown copy (tests/abi/grown/) */

#include "check_main.h"

START_TEST(test_grown_host_old_backend) {
  ck_assert_int_eq(AP_ABI_MINOR, 4); /* the grown headers are in use */
  void *h = dlopen(AP_PROBE, RTLD_NOW | RTLD_LOCAL);
  ck_assert_msg(h != NULL, "cannot load %s: %s", AP_PROBE, dlerror());
  ap_plugin_entry_fn entry = (ap_plugin_entry_fn)dlsym(h, AP_PLUGIN_ENTRY);
  ck_assert_ptr_nonnull(entry);
  const ap_plugin_table *t = entry();
  ck_assert_uint_eq(t->abi_major, 2);
  ck_assert_uint_eq(t->abi_minor, 3); /* built for this apical's 2.3 */
  const ap_backend_desc *bd = t->plugins[0].desc;

  ap_net_pop pop[3];
  const ap_net_pop *pops[3];
  for (size_t i = 0; i < 3; i++) {
    pop[i] = (ap_net_pop){.size = sizeof(ap_net_pop), .model = "x",
                          .n = 10 * (i + 1), .gid0 = 100 * i,
                          .stream = (uint32_t)(7 + i),
                          .appended_next = -1.0};
    pops[i] = &pop[i];
  }
  ap_rule_ctx ctx[2];
  ap_net_proj proj[2];
  const ap_net_proj *projs[2];
  for (size_t j = 0; j < 2; j++) {
    ctx[j] = (ap_rule_ctx){.size = sizeof(ap_rule_ctx), .n_syn = 30 + j,
                           .stream = (uint32_t)(50 + j),
                           .appended_next = -2.0};
    proj[j] = (ap_net_proj){.size = sizeof(ap_net_proj), .pre = j,
                            .post = j + 1, .stream = (uint32_t)(90 + j),
                            .n_syn = 30 + j, .p_release = 0.5 + 0.25 * (double)j,
                            .rule_ctx = j ? &ctx[j] : NULL,
                            .appended_next = -3.0};
    projs[j] = &proj[j];
  }
  ap_net net = {.size = sizeof(ap_net), .dt = 0.1, .n_pops = 3, .pops = pops,
                .n_projs = 2, .projs = projs, .appended_next = -4.0};
  char said[1024] = "";
  void *inst = NULL;
  ck_assert_int_eq(bd->create(&inst, &net, NULL, NULL, said, sizeof said),
                   AP_OK);
  ck_assert_str_eq(said,
                   "net dt=0.1 pops=3 projs=2;"
                   " pop 0 n=10 gid0=0 stream=7;"
                   " pop 1 n=20 gid0=100 stream=8;"
                   " pop 2 n=30 gid0=200 stream=9;"
                   " proj 0 0->1 n_syn=30 stream=90 p=0.5;"
                   " proj 1 1->2 n_syn=31 stream=91 p=0.75"
                   " ctx n_syn=31 stream=51 copy=sized;");
  bd->destroy(inst);
  dlclose(h);
}
END_TEST

static Suite *abi_suite(void) {
  Suite *s = suite_create("abi_grow");
  TCase *tc = tcase_create("grown");
  tcase_add_test(tc, test_grown_host_old_backend);
  suite_add_tcase(s, tc);
  return s;
}

AP_CHECK_MAIN(abi_suite)
