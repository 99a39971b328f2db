/* check_compartmental.c -- the compartmental neuron against solutions
 * derived here independently of the plugin's method: a linear solve for
 * the steady state, the two-exponential closed form of two compartments
 * (Sylvester's formula for the 2x2 matrix exponential), the single-
 * compartment LIF solution, and a finely stepped RK4 integration of the
 * coupled system with its threshold, reset and clamp.  The plugin is
 * exact on the grid, so voltages must agree to 1e-9 mV (1e-7 mV against
 * RK4, whose own rounding over millions of substeps is the limit). */
#include "compartmental.c"

#include <math.h>

#include "plugin/loader.h"
#include "neuron_harness.h"

/* ------------------------------------------------------------ helpers */

/* A population of n neurons of nc compartments at step dt. */
static nh *open_nc(unsigned nc, size_t n, double dt) {
  const char *key = "n_comp";
  const double v = nc;
  char err[256] = "";
  nh *h = nh_open_shaped("compartmental", n, dt, &key, &v, 1, err, sizeof err);
  ck_assert_msg(h != NULL, "shape(%u) refused: %s", nc, err);
  ck_assert_uint_eq(h->d->n_vars, 3 * nc + 1);
  ck_assert_uint_eq(h->d->n_ports, 2 * nc);
  return h;
}

/* Give every neuron the list `v` (nc values) for parameter `name`. */
static void set_all(nh *h, const char *name, const double *v, size_t count) {
  for (size_t i = 0; i < h->n; i++) nh_set_list(h, name, i, v, count);
}

static const comp_inst *inst_of(const nh *h) { return h->inst; }

/* Name of the state variable `what` (V_, I_ex_, I_in_) of compartment k. */
static const char *vname(char *buf, size_t size, const char *what,
                         unsigned k) {
  if (k == 0)
    snprintf(buf, size, "%ssoma", what);
  else
    snprintf(buf, size, "%sd%u", what, k);
  return buf;
}

static ap_real *V_of(nh *h, unsigned k) {
  char b[32];
  return nh_var(h, vname(b, sizeof b, "V_", k));
}

/* Solve the n x n system a x = y (a and y destroyed) by Gaussian
 * elimination with partial pivoting. */
static void solve(unsigned n, double *a, double *y, double *x) {
  for (unsigned c = 0; c < n; c++) {
    unsigned p = c;
    for (unsigned r = c + 1; r < n; r++)
      if (fabs(a[r * n + c]) > fabs(a[p * n + c])) p = r;
    for (unsigned k = 0; k < n; k++) {
      double t = a[c * n + k];
      a[c * n + k] = a[p * n + k];
      a[p * n + k] = t;
    }
    double t = y[c];
    y[c] = y[p];
    y[p] = t;
    for (unsigned r = c + 1; r < n; r++) {
      double f = a[r * n + c] / a[c * n + c];
      for (unsigned k = c; k < n; k++) a[r * n + k] -= f * a[c * n + k];
      y[r] -= f * y[c];
    }
  }
  for (unsigned c = n; c-- > 0;) {
    double s = y[c];
    for (unsigned k = c + 1; k < n; k++) s -= a[c * n + k] * x[k];
    x[c] = s / a[c * n + c];
  }
}

/* A neuron description for the references below (1-based parents). */
typedef struct ref_neuron {
  unsigned n;
  double parent[MAX_COMP], g_c[MAX_COMP], C_m[MAX_COMP], g_L[MAX_COMP],
      E_L[MAX_COMP], I_e[MAX_COMP];
} ref_neuron;

static void apply(nh *h, const ref_neuron *r) {
  set_all(h, "parent", r->parent, r->n);
  set_all(h, "g_c", r->g_c, r->n);
  set_all(h, "C_m", r->C_m, r->n);
  set_all(h, "g_L", r->g_L, r->n);
  set_all(h, "E_L", r->E_L, r->n);
  set_all(h, "I_e", r->I_e, r->n);
}

/* G (conductance matrix) and f = g_L E_L + I_e of a reference neuron. */
static void ref_system(const ref_neuron *r, double *G, double *f) {
  const unsigned n = r->n;
  for (unsigned k = 0; k < n * n; k++) G[k] = 0.0;
  for (unsigned k = 0; k < n; k++) {
    G[k * n + k] = r->g_L[k];
    f[k] = r->g_L[k] * r->E_L[k] + r->I_e[k];
  }
  for (unsigned k = 1; k < n; k++) {
    unsigned p = (unsigned)r->parent[k] - 1;
    G[k * n + k] += r->g_c[k];
    G[p * n + p] += r->g_c[k];
    G[k * n + p] -= r->g_c[k];
    G[p * n + k] -= r->g_c[k];
  }
}

/* ---------------------------------------------------- descriptor, shape */

START_TEST(test_descriptor_and_shape) {
  nh_check_doc("compartmental");
  char err[512] = "";
  NH_CHECK(ap_plugin_validate(ap_plugin_entry(), err, sizeof err) == AP_OK,
           "%s", err);
  ap_real st[N_PARAMS];
  for (int k = 0; k < N_PARAMS; k++) st[k] = params[k].def;
  /* Every n_comp gives a layout the host accepts, named as documented. */
  for (unsigned nc = 1; nc <= MAX_COMP; nc++) {
    st[PAR_N_COMP] = nc;
    ap_neuron_shape sh;
    memset(&sh, 0, sizeof sh);
    ck_assert_int_eq(shape(&sh, st, err, sizeof err), AP_OK);
    NH_CHECK(ap_check_neuron_shape("compartmental", &neuron, &sh, err,
                                   sizeof err) == AP_OK,
             "n_comp %u: %s", nc, err);
    ck_assert_uint_eq(sh.n_compartments, nc);
    ck_assert_uint_eq(sh.n_vars, 3 * nc + 1);
    ck_assert_uint_eq(sh.n_ports, 2 * nc);
    ck_assert_str_eq(sh.compartments[0], "soma");
    for (unsigned k = 0; k < nc; k++) {
      char want[32];
      if (k > 0) {
        snprintf(want, sizeof want, "d%u", k);
        ck_assert_str_eq(sh.compartments[k], want);
      }
      vname(want, sizeof want, "V_", k);
      ck_assert_str_eq(sh.vars[VAR_V(nc, k)].name, want);
      ck_assert_uint_eq(sh.vars[VAR_V(nc, k)].compartment, k);
      vname(want, sizeof want, "I_ex_", k);
      ck_assert_str_eq(sh.vars[VAR_I_EX(nc, k)].name, want);
      vname(want, sizeof want, "I_in_", k);
      ck_assert_str_eq(sh.vars[VAR_I_IN(nc, k)].name, want);
      snprintf(want, sizeof want, "%s_ex", sh.compartments[k]);
      ck_assert_str_eq(sh.ports[PORT_EX(k)].name, want);
      ck_assert_uint_eq(sh.ports[PORT_EX(k)].compartment, k);
      ck_assert_int_eq(sh.ports[PORT_EX(k)].sign, k == 0 ? 1 : 0);
      ck_assert_int_eq(sh.ports[PORT_IN(k)].sign, k == 0 ? -1 : 0);
      ck_assert_int_eq(sh.ports[PORT_IN(k)].type, AP_PORT_CURRENT);
    }
    ck_assert_str_eq(sh.vars[VAR_R_REF(nc)].name, "r_ref");
    ck_assert_uint_eq(sh.vars[VAR_R_REF(nc)].flags, AP_VAR_INTERNAL);
    /* The descriptor's own tables are the default shape, exactly. */
    if (nc == DEF_N_COMP) {
      ck_assert_uint_eq(neuron.n_compartments, nc);
      ck_assert_uint_eq(neuron.n_vars, sh.n_vars);
      ck_assert_uint_eq(neuron.n_ports, sh.n_ports);
      for (unsigned k = 0; k < nc; k++)
        ck_assert_str_eq(neuron.compartments[k], sh.compartments[k]);
      for (unsigned v = 0; v < sh.n_vars; v++) {
        const ap_var_desc *a = &neuron.vars[v], *b = &sh.vars[v];
        ck_assert_str_eq(a->name, b->name);
        ck_assert_str_eq(a->unit, b->unit);
        ck_assert_str_eq(a->doc, b->doc);
        ck_assert_double_eq(a->def, b->def);
        ck_assert_ptr_null(b->def_from);
        ck_assert_uint_eq(a->compartment, b->compartment);
        ck_assert_uint_eq(a->flags, b->flags);
      }
      for (unsigned p = 0; p < sh.n_ports; p++) {
        const ap_port_desc *a = &neuron.ports[p], *b = &sh.ports[p];
        ck_assert_str_eq(a->name, b->name);
        ck_assert_str_eq(a->doc, b->doc);
        ck_assert_int_eq(a->type, b->type);
        ck_assert_uint_eq(a->compartment, b->compartment);
        ck_assert_int_eq(a->sign, b->sign);
      }
    }
    release_shape(&sh);
    ck_assert_ptr_null(sh.owner);
  }
  /* n_comp outside 1..16: the host's range check refuses it before
   * shape() runs, and shape() refuses it too. */
  const double bad[] = {0.0, 17.0, 2.5, -1.0, NAN};
  for (size_t j = 0; j < sizeof bad / sizeof bad[0]; j++) {
    err[0] = '\0';
    ck_assert_int_eq(ap_param_check(&params[PAR_N_COMP], "compartmental",
                                    bad[j], err, sizeof err),
                     AP_EINVAL);
    NH_CHECK(strstr(err, "n_comp") != NULL, "host message: %s", err);
    st[PAR_N_COMP] = bad[j];
    ap_neuron_shape sh;
    memset(&sh, 0, sizeof sh);
    err[0] = '\0';
    ck_assert_int_eq(shape(&sh, st, err, sizeof err), AP_EINVAL);
    NH_CHECK(strstr(err, "n_comp must be an integer in 1..16") != NULL,
             "shape() message: %s", err);
    ck_assert_ptr_null(sh.owner);
  }
  err[0] = '\0';
  ap_param_check(&params[PAR_N_COMP], "compartmental", 17.0, err, sizeof err);
  NH_CHECK(strstr(err, "[1, 16]") != NULL, "host message: %s", err);
  /* Through the harness, as the host shapes a population. */
  const char *key = "n_comp";
  const double v = 0.0;
  err[0] = '\0';
  ck_assert_ptr_null(nh_open_shaped("compartmental", 1, 0.1, &key, &v, 1,
                                    err, sizeof err));
  NH_CHECK(strstr(err, "n_comp") != NULL, "%s", err);
}
END_TEST

/* ------------------------------------------------ (1) steady state */

/* Soma and two dendrites on the soma, threshold out of reach, constant
 * currents into the dendrites: the voltages settle at G^-1 f. */
START_TEST(test_steady_state) {
  const ref_neuron r = {3,
                        {0, 1, 1},
                        {0, 20, 7},
                        {150, 60, 40},
                        {8, 3, 2},
                        {-70, -65, -72},
                        {0, 80, 50}};
  double G[9], f[3], Vs[3];
  ref_system(&r, G, f);
  solve(3, G, f, Vs);
  const double dts[] = {0.1, 1.0};
  for (int d = 0; d < 2; d++) {
    nh *h = open_nc(3, 2, dts[d]);
    apply(h, &r);
    nh_set(h, "V_th", 1000.0);
    ck_assert_int_eq(nh_prepare(h), AP_OK);
    ck_assert_uint_eq(inst_of(h)->n_kern, 1);
    const long steps = lround(2000.0 / dts[d]);
    for (long s = 0; s < steps; s++) nh_step(h);
    for (unsigned k = 0; k < 3; k++)
      for (size_t i = 0; i < 2; i++)
        NH_CHECK(fabs(V_of(h, k)[i] - Vs[k]) <= 1e-9,
                 "dt %g, compartment %u: V %.15g, steady state %.15g",
                 dts[d], k + 1, V_of(h, k)[i], Vs[k]);
    /* and it is the step's fixed point: the step is taken from the
     * steady state, which the plugin knows to rounding */
    const comp_inst *in = inst_of(h);
    for (unsigned k = 0; k < 3; k++)
      ck_assert_double_eq_tol(in->kern[in->o.v + k], Vs[k], 1e-12);
    for (unsigned k = 0; k < 3; k++) V_of(h, k)[1] = in->kern[in->o.v + k];
    for (int s = 0; s < 100; s++) nh_step(h);
    for (unsigned k = 0; k < 3; k++)
      ck_assert_double_eq(V_of(h, k)[1], in->kern[in->o.v + k]);
    nh_close(h);
  }
}
END_TEST

/* ------------------------------------- (2) two compartments, exactly */

/* exp(-A t) of a 2x2 matrix A with real distinct eigenvalues l1, l2 (by
 * Sylvester's formula) applied to x: sum_j exp(-l_j t) Z_j x with
 * Z_1 = (A - l2)/(l1 - l2), Z_2 = (A - l1)/(l2 - l1).  With g != 0 it is
 * instead the response at t to the drive x exp(-g s) from s = 0:
 * sum_j Z_j x (exp(-g t) - exp(-l_j t))/(l_j - g). */
typedef struct two {
  double A[4], l[2];
} two;

static two two_of(const ref_neuron *r) {
  double G[4], f[2];
  ref_system(r, G, f);
  two t;
  for (int k = 0; k < 2; k++)
    for (int l = 0; l < 2; l++) t.A[k * 2 + l] = G[k * 2 + l] / r->C_m[k];
  double tr = t.A[0] + t.A[3], det = t.A[0] * t.A[3] - t.A[1] * t.A[2];
  double disc = sqrt(tr * tr - 4.0 * det);
  t.l[0] = 0.5 * (tr + disc);
  t.l[1] = 0.5 * (tr - disc);
  return t;
}

static void two_apply(const two *t, double time, double g, const double *x,
                      double *out) {
  out[0] = out[1] = 0.0;
  for (int j = 0; j < 2; j++) {
    const double lj = t->l[j], lo = t->l[1 - j];
    double w = g == 0.0 ? exp(-lj * time)
                        : (exp(-g * time) - exp(-lj * time)) / (lj - g);
    double z[4] = {t->A[0] - lo, t->A[1], t->A[2], t->A[3] - lo};
    for (int k = 0; k < 2; k++)
      out[k] += w * (z[k * 2] * x[0] + z[k * 2 + 1] * x[1]) / (lj - lo);
  }
}

/* A current step into the dendrite from rest: V(t) = V* + exp(-A t)(V0 -
 * V*), checked at every step for 100 ms. */
START_TEST(test_two_compartment_step) {
  ref_neuron r = {2, {0, 1}, {0, 15}, {200, 50}, {10, 2.5},
                  {-70, -70}, {0, 100}};
  const two t = two_of(&r);
  double G[4], f[2], Vs[2];
  ref_system(&r, G, f);
  solve(2, G, f, Vs);
  const double dts[] = {0.1, 0.25};
  for (int d = 0; d < 2; d++) {
    nh *h = open_nc(2, 1, dts[d]);
    apply(h, &r);
    nh_set(h, "V_th", 1000.0);
    ck_assert_int_eq(nh_prepare(h), AP_OK);
    const double x0[2] = {-70.0 - Vs[0], -70.0 - Vs[1]};
    double worst = 0.0;
    for (long s = 0; (s + 1) * dts[d] <= 100.0 + 1e-9; s++) {
      nh_step(h);
      double dv[2];
      two_apply(&t, (s + 1) * dts[d], 0.0, x0, dv);
      for (unsigned k = 0; k < 2; k++) {
        double err = fabs(V_of(h, k)[0] - (Vs[k] + dv[k]));
        if (err > worst) worst = err;
        NH_CHECK(err <= 1e-9, "dt %g, step %ld, compartment %u: V %.15g, "
                 "exact %.15g", dts[d], s, k + 1, V_of(h, k)[0],
                 Vs[k] + dv[k]);
      }
    }
    ck_assert_double_le(worst, 1e-9);
    /* the dendrite ends above the soma: the current enters there */
    ck_assert_double_gt(V_of(h, 1)[0], V_of(h, 0)[0]);
    nh_close(h);
  }
}
END_TEST

/* A synaptic current into the dendrite (weight w on d1_ex in step 0, so
 * I_ex_d1 = w exp(-(t - dt)/tau_syn_ex) from t = dt): the voltages follow
 * the closed form of the driven 2x2 system at every step; an inhibitory
 * weight on d1_in likewise with tau_syn_in. */
START_TEST(test_two_compartment_psc) {
  ref_neuron r = {2, {0, 1}, {0, 15}, {200, 50}, {10, 2.5},
                  {-70, -70}, {0, 0}};
  const two t = two_of(&r);
  const double dt = 0.1, w_ex = 300.0, w_in = -200.0;
  const double tau_ex = 2.0, tau_in = 5.0;
  for (int inh = 0; inh < 2; inh++) {
    nh *h = open_nc(2, 1, dt);
    apply(h, &r);
    ck_assert_int_eq(nh_prepare(h), AP_OK);
    nh_in(h, inh ? "d1_in" : "d1_ex")[0] = inh ? w_in : w_ex;
    nh_step(h);
    /* at rest through step 0 (to rounding: P V + c is not exactly V) */
    ck_assert_double_eq_tol(V_of(h, 0)[0], -70.0, 1e-12);
    ck_assert_double_eq_tol(V_of(h, 1)[0], -70.0, 1e-12);
    /* drive C^-1 e_d w */
    const double x[2] = {0.0, (inh ? w_in : w_ex) / r.C_m[1]};
    const double g = 1.0 / (inh ? tau_in : tau_ex);
    double peak_t[2] = {0, 0}, peak[2] = {0, 0};
    for (long s = 1; s <= 1000; s++) {
      nh_step(h);
      double dv[2];
      two_apply(&t, s * dt, g, x, dv);
      for (unsigned k = 0; k < 2; k++) {
        double V = V_of(h, k)[0];
        NH_CHECK(fabs(V - (-70.0 + dv[k])) <= 1e-9,
                 "%s, step %ld, compartment %u: V %.15g, exact %.15g",
                 inh ? "in" : "ex", s, k + 1, V, -70.0 + dv[k]);
        if (fabs(V + 70.0) > peak[k]) {
          peak[k] = fabs(V + 70.0);
          peak_t[k] = s * dt;
        }
      }
    }
    ck_assert_double_lt(peak_t[1], peak_t[0]); /* dendrite peaks first */
    ck_assert_double_gt(peak[1], peak[0]);
    nh_close(h);
  }
}
END_TEST

/* ----------------------------------------- (3) dendritic input, spiking */

/* Input on d2 at the end of a chain soma - d1 - d2 reaches d2 first,
 * then d1, then the soma; the soma's ports stay the defaults. */
START_TEST(test_dendritic_input_order) {
  nh *h = open_nc(3, 1, 0.1);
  ck_assert_int_eq(nh_prepare(h), AP_OK); /* defaults: a chain */
  nh_in(h, "d2_ex")[0] = 500.0;
  nh_step(h);
  ck_assert_double_eq(nh_var(h, "I_ex_d2")[0], 500.0);
  double peak[3] = {-70, -70, -70}, peak_t[3] = {0, 0, 0};
  for (int s = 1; s <= 1000; s++) {
    nh_step(h);
    for (unsigned k = 0; k < 3; k++)
      if (V_of(h, k)[0] > peak[k]) {
        peak[k] = V_of(h, k)[0];
        peak_t[k] = s * 0.1;
      }
    if (s == 1) {
      /* after one step: d2 has moved most, the soma least, all up */
      ck_assert_double_gt(V_of(h, 2)[0], V_of(h, 1)[0]);
      ck_assert_double_gt(V_of(h, 1)[0], V_of(h, 0)[0]);
      ck_assert_double_gt(V_of(h, 0)[0], -70.0);
    }
  }
  ck_assert_double_lt(peak_t[2], peak_t[1]);
  ck_assert_double_lt(peak_t[1], peak_t[0]);
  ck_assert_double_gt(peak[2], peak[1]);
  ck_assert_double_gt(peak[1], peak[0]);
  ck_assert_int_eq(h->d->ports[0].sign, 1);
  ck_assert_str_eq(h->d->ports[0].name, "soma_ex");
  nh_close(h);
}
END_TEST

/* RK4 reference of the coupled system with exponential currents, stepped
 * at dt/SUB; threshold, reset and the refractory clamp are applied on the
 * plugin's grid (as the model defines them), inputs added at the ends of
 * grid steps. */
enum { SUB = 100 };
typedef struct rk {
  ref_neuron r;
  double tau_ex, tau_in, V_reset, V_th;
  double y[3 * MAX_COMP]; /* V, I_ex, I_in */
} rk;

static void rk_deriv(const rk *m, const double *y, int clamp, double *dy) {
  const unsigned n = m->r.n;
  for (unsigned k = 0; k < n; k++) {
    double I = -m->r.g_L[k] * (y[k] - m->r.E_L[k]) + m->r.I_e[k] + y[n + k] +
               y[2 * n + k];
    if (k > 0) {
      unsigned p = (unsigned)m->r.parent[k] - 1;
      I += m->r.g_c[k] * (y[p] - y[k]);
    }
    for (unsigned j = k + 1; j < n; j++)
      if ((unsigned)m->r.parent[j] - 1 == k) I += m->r.g_c[j] * (y[j] - y[k]);
    dy[k] = I / m->r.C_m[k];
    dy[n + k] = -y[n + k] / m->tau_ex;
    dy[2 * n + k] = -y[2 * n + k] / m->tau_in;
  }
  if (clamp) dy[0] = 0.0;
}

/* One RK4 substep of length hs. */
static void rk_sub(rk *m, double hs, int clamp) {
  const unsigned N = 3 * m->r.n;
  double k1[3 * MAX_COMP], k2[3 * MAX_COMP], k3[3 * MAX_COMP],
      k4[3 * MAX_COMP], t[3 * MAX_COMP] = {0};
  rk_deriv(m, m->y, clamp, k1);
  for (unsigned j = 0; j < N; j++) t[j] = m->y[j] + 0.5 * hs * k1[j];
  rk_deriv(m, t, clamp, k2);
  for (unsigned j = 0; j < N; j++) t[j] = m->y[j] + 0.5 * hs * k2[j];
  rk_deriv(m, t, clamp, k3);
  for (unsigned j = 0; j < N; j++) t[j] = m->y[j] + hs * k3[j];
  rk_deriv(m, t, clamp, k4);
  for (unsigned j = 0; j < N; j++)
    m->y[j] += hs / 6.0 * (k1[j] + 2.0 * k2[j] + 2.0 * k3[j] + k4[j]);
}

/* A chain of three with a strong somatic current fires regularly; spike
 * steps match the reference exactly, voltages to 1e-7 mV at every grid
 * point (refractory clamps included), and the first spike lies within dt
 * = 0.01 ms after the reference's threshold crossing.  Synaptic inputs
 * arrive on several ports, one of them while the soma is clamped. */
START_TEST(test_spiking_vs_rk4) {
  const double dt = 0.01, t_ref = 2.0;
  const long R = lround(t_ref / dt), steps = lround(150.0 / dt);
  rk m = {.r = {3,
                {0, 1, 2},
                {0, 12, 8},
                {120, 60, 40},
                {6, 3, 2},
                {-70, -68, -66},
                {320, 0, 30}},
          .tau_ex = 2.0,
          .tau_in = 5.0,
          .V_reset = -68.0,
          .V_th = -52.0};
  for (unsigned k = 0; k < 3; k++) m.y[k] = -70.0;
  /* inputs: {step, port index (2k ex, 2k+1 in), weight} */
  const struct { long step; unsigned port; double w; } in[] = {
      {1000, PORT_EX(1), 400.0},  {2500, PORT_IN(2), -300.0},
      {4000, PORT_EX(0), 250.0},  {6000, PORT_EX(2), 600.0},
      {8000, PORT_IN(0), -150.0},
  };
  const size_t n_in = sizeof in / sizeof in[0];
  nh *h = open_nc(3, 1, dt);
  apply(h, &m.r);
  nh_set(h, "V_reset", m.V_reset);
  nh_set(h, "V_th", m.V_th);
  nh_set(h, "t_ref", t_ref);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  long r = 0, n_spikes = 0, last_spike = -1;
  double first_cross = -1.0;
  size_t input_in_clamp = 0;
  long clamp_input = -1; /* an input into d1 while the soma is clamped */
  double worst = 0.0;
  for (long s = 0; s < steps; s++) {
    /* the reference */
    int spike = 0;
    if (r > 0) {
      m.y[0] = m.V_reset;
      for (int j = 0; j < SUB; j++) rk_sub(&m, dt / SUB, 1);
      r--;
    } else {
      for (int j = 0; j < SUB; j++) {
        double before = m.y[0];
        rk_sub(&m, dt / SUB, 0);
        if (first_cross < 0 && before < m.V_th && m.y[0] >= m.V_th)
          first_cross = s * dt + (j + (m.V_th - before) /
                                          (m.y[0] - before)) * dt / SUB;
      }
      NH_CHECK(fabs(m.y[0] - m.V_th) > 1e-6,
               "test setup: V_soma %.12g within 1e-6 mV of V_th at step %ld",
               m.y[0], s);
      if (m.y[0] >= m.V_th) {
        spike = 1;
        m.y[0] = m.V_reset;
        r = R;
        if (clamp_input < 0 && s > 3000) clamp_input = s + R / 4;
      }
    }
    if (s == clamp_input) {
      ck_assert_int_gt(r, 1);
      h->input[PORT_EX(1)][0] += 500.0;
      m.y[3 + 1] += 500.0;
      input_in_clamp++;
    }
    /* the plugin, with the same inputs */
    for (size_t q = 0; q < n_in; q++)
      if (in[q].step == s) {
        h->input[in[q].port][0] += in[q].w;
        m.y[(in[q].port % 2 ? 6 : 3) + in[q].port / 2] += in[q].w;
      }
    nh_step(h);
    NH_CHECK(nh_spiked(h, 0) == spike, "step %ld: plugin %s, reference %s", s,
             nh_spiked(h, 0) ? "spiked" : "did not spike",
             spike ? "spiked" : "did not");
    if (spike) {
      if (n_spikes == 0) {
        double stamp = (s + 1) * dt;
        NH_CHECK(stamp >= first_cross && stamp - first_cross <= dt,
                 "first spike at %.6f ms, reference crossing %.6f ms", stamp,
                 first_cross);
      } else {
        NH_CHECK(s - last_spike > R, "interval shorter than t_ref");
      }
      n_spikes++;
      last_spike = s;
    }
    for (unsigned k = 0; k < 9; k++) {
      char b[32];
      const char *what = k < 3 ? "V_" : k < 6 ? "I_ex_" : "I_in_";
      double got = nh_var(h, vname(b, sizeof b, what, k % 3))[0];
      double err = fabs(got - m.y[k]);
      if (err > worst) worst = err;
      NH_CHECK(err <= 1e-7, "step %ld, %s: plugin %.12g, reference %.12g", s,
               b, got, m.y[k]);
    }
    ck_assert_double_eq(nh_var(h, "r_ref")[0], (double)r);
  }
  ck_assert_int_ge(n_spikes, 10);
  ck_assert_uint_ge(input_in_clamp, 1);
  nh_close(h);
}
END_TEST

/* While refractory the soma is held at V_reset and a single dendrite
 * relaxes as one compartment with leak g_L + g_c towards
 * (g_L E_L + g_c V_reset + I_e)/(g_L + g_c). */
START_TEST(test_refractory_clamp) {
  ref_neuron r = {2, {0, 1}, {0, 15}, {200, 50}, {10, 2.5},
                  {-70, -60}, {0, 40}};
  const double dt = 0.1, V_reset = -75.0;
  nh *h = open_nc(2, 1, dt);
  apply(h, &r);
  nh_set(h, "V_reset", V_reset);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  nh_var(h, "r_ref")[0] = 500.0;
  V_of(h, 1)[0] = -50.0;
  const double g = 2.5 + 15.0;
  const double Vinf = (2.5 * -60.0 + 15.0 * V_reset + 40.0) / g;
  for (int s = 0; s < 500; s++) {
    nh_step(h);
    ck_assert_int_eq(h->n_spiked, 0);
    double t = (s + 1) * dt;
    double want = Vinf + (-50.0 - Vinf) * exp(-t * g / 50.0);
    NH_CHECK(V_of(h, 0)[0] == V_reset, "soma left V_reset at step %d", s);
    NH_CHECK(fabs(V_of(h, 1)[0] - want) <= 1e-9,
             "step %d: V_d1 %.15g, exact %.15g", s, V_of(h, 1)[0], want);
  }
  ck_assert_double_eq(nh_var(h, "r_ref")[0], 0.0);
  /* free again: the soma moves */
  nh_step(h);
  ck_assert_double_ne(V_of(h, 0)[0], V_reset);
  nh_close(h);
}
END_TEST

/* No leak anywhere (G singular): charge is conserved, so
 * sum_k C_k V_k grows exactly as (sum_k I_e,k) t.  Neuron 2 has a leak of
 * 1e-12 nS in the soma: its steady state lies beyond 1e10 mV, so it is
 * stepped from 0 as the leak-free one, and stays within the leak's effect
 * of it. */
START_TEST(test_leak_free) {
  ref_neuron r = {4, {0, 1, 1, 3}, {0, 10, 4, 25}, {100, 30, 50, 20},
                  {0, 0, 0, 0}, {-70, -70, -70, -70}, {5, -2, 3, 1.5}};
  const double dt = 0.1, tiny[4] = {1e-12, 0, 0, 0};
  nh *h = open_nc(4, 2, dt);
  apply(h, &r);
  nh_set_list(h, "g_L", 1, tiny, 4);
  nh_set(h, "V_th", 1000.0);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  const comp_inst *in = inst_of(h);
  ck_assert_uint_eq(in->n_kern, 2);
  for (size_t j = 0; j < 2; j++)
    for (unsigned k = 0; k < 4; k++)
      ck_assert_double_eq(in->kern[j * in->stride + in->o.v + k], 0.0);
  double q0 = 0.0;
  for (unsigned k = 0; k < 4; k++) q0 += r.C_m[k] * V_of(h, k)[0];
  for (int s = 0; s < 20000; s++) {
    nh_step(h);
    for (size_t i = 0; i < 2; i++) {
      double q = 0.0;
      for (unsigned k = 0; k < 4; k++) q += r.C_m[k] * V_of(h, k)[i];
      double want = q0 + 7.5 * (s + 1) * dt;
      NH_CHECK(fabs(q - want) <= 1e-9 * fabs(q0), "neuron %zu, step %d: "
               "charge %.15g, exact %.15g", i + 1, s, q, want);
    }
  }
  /* and the voltages settle into rising together at 7.5 pA / 200 pF */
  double before[4];
  for (unsigned k = 0; k < 4; k++) before[k] = V_of(h, k)[0];
  for (int s = 0; s < 10; s++) nh_step(h);
  for (unsigned k = 0; k < 4; k++)
    ck_assert_double_eq_tol((V_of(h, k)[0] - before[k]), 7.5 / 200.0, 1e-9);
  nh_close(h);
}
END_TEST

/* ------------------------------------------------------ (4) refusals */

static void expect_refusal(nh *h, const char *fragment) {
  int rc = nh_prepare(h);
  NH_CHECK(rc == AP_EINVAL, "prepare accepted (wanted '%s')", fragment);
  NH_CHECK(strstr(h->err, fragment) != NULL,
           "message lacks '%s': %s", fragment, h->err);
}

START_TEST(test_refusals) {
  const double ok3[3] = {100, 100, 100};
  /* a list of the wrong length, named with both lengths */
  nh *h = open_nc(3, 2, 0.1);
  set_all(h, "C_m", ok3, 2);
  expect_refusal(h, "neuron 1: list parameter 'C_m' has 2 values but "
                    "n_comp = 3");
  set_all(h, "C_m", ok3, 3);
  nh_set_list(h, "g_L", 1, ok3, 1);
  expect_refusal(h, "neuron 2: list parameter 'g_L' has 1 value but "
                    "n_comp = 3");
  nh_set_list(h, "g_L", 1, ok3, 0); /* empty again: the defaults */
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  /* parents that do not form a tree rooted at the soma */
  const double p_fwd[3] = {0, 2, 1}, p_root[3] = {1, 1, 2},
               p_frac[3] = {0, 1, 1.5}, p_self[3] = {0, 1, 3},
               p_zero[3] = {0, 0, 1}, p_ok[3] = {0, 1, 1};
  set_all(h, "parent", p_fwd, 3);
  expect_refusal(h, "neuron 1, compartment 2 (d1): parent 2 must be the "
                    "index of a compartment before it, an integer in 1..1");
  set_all(h, "parent", p_root, 3);
  expect_refusal(h, "the parent of compartment 1 (soma) must be 0");
  set_all(h, "parent", p_frac, 3);
  expect_refusal(h, "compartment 3 (d2): parent 1.5 must be");
  set_all(h, "parent", p_self, 3);
  expect_refusal(h, "compartment 3 (d2): parent 3 must be");
  set_all(h, "parent", p_zero, 3);
  expect_refusal(h, "compartment 2 (d1): parent 0 must be");
  set_all(h, "parent", p_ok, 3);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  /* physical ranges (the host checks them too for lists it is given) */
  const double c_bad[3] = {100, 0, 100};
  nh_set_list(h, "C_m", 1, c_bad, 3);
  expect_refusal(h, "neuron 2, compartment 2 (d1): C_m must be > 0 pF, got "
                    "0 pF");
  set_all(h, "C_m", ok3, 3);
  const double gl_bad[3] = {5, 5, -1};
  set_all(h, "g_L", gl_bad, 3);
  expect_refusal(h, "compartment 3 (d2): g_L must be >= 0 nS, got -1 nS");
  const double gl_ok[3] = {0, 0, 0};
  set_all(h, "g_L", gl_ok, 3);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  const double gc_bad[3] = {0, 10, 0}, gc_soma[3] = {0, 10, 10};
  set_all(h, "g_c", gc_bad, 3);
  expect_refusal(h, "compartment 3 (d2): g_c must be > 0 nS");
  set_all(h, "g_c", gc_soma, 3); /* the soma's 0 is ignored */
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  const double nan3[3] = {-70, NAN, -70};
  set_all(h, "E_L", nan3, 3);
  expect_refusal(h, "compartment 2 (d1): E_L must be finite");
  set_all(h, "E_L", ok3, 0);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  nh_par(h, "V_reset")[1] = -55.0;
  expect_refusal(h, "neuron 2: V_reset (-55 mV) must be below V_th "
                    "(-55 mV)");
  nh_par(h, "V_reset")[1] = -70.0;
  nh_par(h, "n_comp")[1] = 4.0; /* not the shape: a host error */
  expect_refusal(h, "neuron 2: n_comp 4 differs");
  nh_close(h);
}
END_TEST

/* --------------------------------------- (5) one compartment is a LIF */

START_TEST(test_single_compartment_lif) {
  const double C = 250.0, gL = 25.0, tau_m = C / gL, dt = 0.1;
  /* (a) relaxation under constant current from away from rest */
  {
    nh *h = open_nc(1, 1, dt);
    const double c[1] = {C}, g[1] = {gL}, E[1] = {-65.0}, I[1] = {123.4};
    set_all(h, "C_m", c, 1);
    set_all(h, "g_L", g, 1);
    set_all(h, "E_L", E, 1);
    set_all(h, "I_e", I, 1);
    set_all(h, "parent", (const double[]){0}, 1);
    nh_set(h, "V_th", 1000.0);
    nh_init_state(h);
    nh_var(h, "V_soma")[0] = -90.0;
    ck_assert_int_eq(nh_prepare(h), AP_OK);
    const double Vinf = -65.0 + 123.4 / gL;
    for (int s = 0; s < 1000; s++) {
      nh_step(h);
      double want = Vinf + (-90.0 - Vinf) * exp(-(s + 1) * dt / tau_m);
      NH_CHECK(fabs(nh_var(h, "V_soma")[0] - want) <= 1e-9,
               "step %d: V %.15g, exact %.15g", s, nh_var(h, "V_soma")[0],
               want);
    }
    nh_close(h);
  }
  /* (b) a PSP: weight w on soma_ex (the default port) in step 0 */
  for (int inh = 0; inh < 2; inh++) {
    nh *h = open_nc(1, 1, dt);
    set_all(h, "C_m", (const double[]){C}, 1);
    set_all(h, "g_L", (const double[]){gL}, 1);
    ck_assert_int_eq(nh_prepare(h), AP_OK);
    const double w = inh ? -80.0 : 100.0, ts = inh ? 5.0 : 2.0;
    nh_in(h, inh ? "soma_in" : "soma_ex")[0] = w;
    nh_step(h);
    for (int s = 1; s < 1000; s++) {
      nh_step(h);
      double t = s * dt;
      double want = -70.0 + w * ts * tau_m / (C * (tau_m - ts)) *
                                (exp(-t / tau_m) - exp(-t / ts));
      NH_CHECK(fabs(nh_var(h, "V_soma")[0] - want) <= 1e-9,
               "step %d: V %.15g, exact %.15g", s, nh_var(h, "V_soma")[0],
               want);
    }
    nh_close(h);
  }
  /* (c) regular firing under constant current: spike steps as predicted
   * by the crossing time tau_m ln((V0 - V_inf)/(V_th - V_inf)) */
  {
    const double I = 500.0, Vinf = -70.0 + I / gL, t_ref = 2.0;
    nh *h = open_nc(1, 1, dt);
    set_all(h, "C_m", (const double[]){C}, 1);
    set_all(h, "g_L", (const double[]){gL}, 1);
    set_all(h, "I_e", (const double[]){I}, 1);
    nh_set(h, "V_reset", -65.0);
    nh_set(h, "t_ref", t_ref);
    ck_assert_int_eq(nh_prepare(h), AP_OK);
    double x1 = tau_m * log((-70.0 - Vinf) / (-55.0 - Vinf)) / dt;
    double xp = tau_m * log((-65.0 - Vinf) / (-55.0 - Vinf)) / dt;
    ck_assert(x1 - floor(x1) > 1e-6 && xp - floor(xp) > 1e-6);
    long next = (long)ceil(x1) - 1, period = (long)ceil(xp) + lround(t_ref / dt);
    int seen = 0;
    const long last = next + 20 * period;
    for (long s = 0; s <= last; s++) {
      nh_step(h);
      NH_CHECK(nh_spiked(h, 0) == (s == next), "step %ld: spike %d, expected "
               "at step %ld", s, nh_spiked(h, 0), next);
      if (s == next) {
        ck_assert_double_eq(nh_var(h, "V_soma")[0], -65.0);
        next += period;
        seen++;
      }
    }
    ck_assert_int_eq(seen, 21);
    nh_close(h);
  }
}
END_TEST

/* ---------------------------------------------- blocks and sharing */

/* Per-neuron lists: neurons with the parameters of the neuron before them
 * share propagators, each neuron evolves as it does alone, and blocks
 * give the same bits as one block. */
START_TEST(test_heterogeneous_blocks) {
  enum { N = 7 };
  const double dt = 0.1;
  const double ca[3] = {100, 60, 40}, cb[3] = {80, 80, 20};
  const double ia[3] = {400, 0, 50}, ib[3] = {0, 600, 0};
  const double *Cs[N] = {ca, ca, cb, cb, ca, cb, cb};
  const double *Is[N] = {ia, ia, ib, ib, ia, ia, ia};
  const double V_th[N] = {-55, -55, -55, -55, -55, -55, -58};
  nh *pop[2];
  for (int b = 0; b < 2; b++) {
    pop[b] = open_nc(3, N, dt);
    for (size_t i = 0; i < N; i++) {
      nh_set_list(pop[b], "C_m", i, Cs[i], 3);
      nh_set_list(pop[b], "I_e", i, Is[i], 3);
      nh_par(pop[b], "V_th")[i] = V_th[i];
    }
    ck_assert_int_eq(nh_prepare(pop[b]), AP_OK);
  }
  /* runs of equal neurons: (a a) (b b) (a) (b-C with a-I) (that, V_th) */
  ck_assert_uint_eq(inst_of(pop[0])->n_kern, 5);
  nh *alone[N];
  for (size_t i = 0; i < N; i++) {
    alone[i] = open_nc(3, 1, dt);
    nh_set_list(alone[i], "C_m", 0, Cs[i], 3);
    nh_set_list(alone[i], "I_e", 0, Is[i], 3);
    nh_set(alone[i], "V_th", V_th[i]);
    ck_assert_int_eq(nh_prepare(alone[i]), AP_OK);
  }
  const size_t sizes[3] = {1, 2, 4};
  int spikes = 0;
  for (int s = 0; s < 3000; s++) {
    if (s % 97 == 0) {
      for (int b = 0; b < 2; b++) nh_in(pop[b], "d1_ex")[s % N] = 200.0;
      nh_in(alone[s % N], "d1_ex")[0] = 200.0;
    }
    nh_step(pop[0]);
    ck_assert_int_eq(nh_step_blocks(pop[1], sizes, 3), AP_OK);
    for (size_t i = 0; i < N; i++) {
      nh_step(alone[i]);
      NH_CHECK(nh_spiked(pop[0], i) == nh_spiked(alone[i], 0) &&
                   nh_spiked(pop[1], i) == nh_spiked(alone[i], 0),
               "step %d, neuron %zu: spikes differ", s, i);
      spikes += nh_spiked(alone[i], 0);
      for (unsigned v = 0; v < 10; v++)
        NH_CHECK(pop[0]->state[v][i] == alone[i]->state[v][0] &&
                     pop[1]->state[v][i] == alone[i]->state[v][0],
                 "step %d, neuron %zu, %s differs", s, i,
                 pop[0]->d->vars[v].name);
    }
  }
  ck_assert_int_gt(spikes, 20);
  for (int b = 0; b < 2; b++) nh_close(pop[b]);
  for (size_t i = 0; i < N; i++) nh_close(alone[i]);
}
END_TEST

/* The largest tree, branched: the propagator agrees with a direct RK4
 * integration of the free (never spiking) system. */
START_TEST(test_sixteen_compartments) {
  ref_neuron r = {16, {0}, {0}, {0}, {0}, {0}, {0}};
  for (unsigned k = 0; k < 16; k++) {
    r.parent[k] = k == 0 ? 0 : (k - 1) / 2 + 1; /* a binary tree */
    r.g_c[k] = k == 0 ? 0 : 5.0 + 3.0 * k;
    r.C_m[k] = 20.0 + 7.0 * k;
    r.g_L[k] = 1.0 + 0.5 * (k % 3);
    r.E_L[k] = -70.0 + 0.5 * k;
    r.I_e[k] = (k % 4 == 3) ? 30.0 : 0.0;
  }
  const double dt = 0.1;
  nh *h = open_nc(16, 1, dt);
  apply(h, &r);
  nh_set(h, "V_th", 1000.0);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  rk m = {.r = r, .tau_ex = 2.0, .tau_in = 5.0, .V_reset = -70, .V_th = 1000};
  for (unsigned k = 0; k < 16; k++) m.y[k] = -70.0;
  for (int s = 0; s < 500; s++) {
    for (int j = 0; j < SUB; j++) rk_sub(&m, dt / SUB, 0);
    /* inputs arrive at the end of the step, after its integration */
    if (s == 10) {
      nh_in(h, "d15_ex")[0] = 300.0;
      m.y[16 + 15] += 300.0;
    }
    if (s == 20) {
      nh_in(h, "d7_in")[0] = -200.0;
      m.y[32 + 7] -= 200.0;
    }
    nh_step(h);
    for (unsigned k = 0; k < 16; k++)
      NH_CHECK(fabs(V_of(h, k)[0] - m.y[k]) <= 1e-7,
               "step %d, compartment %u: %.12g, reference %.12g", s, k + 1,
               V_of(h, k)[0], m.y[k]);
  }
  nh_close(h);
}
END_TEST

static Suite *make_compartmental_suite(void) {
  Suite *s = suite_create("compartmental");
  TCase *tc = tcase_create("dynamics");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_steady_state);
  tcase_add_test(tc, test_two_compartment_step);
  tcase_add_test(tc, test_two_compartment_psc);
  tcase_add_test(tc, test_dendritic_input_order);
  tcase_add_test(tc, test_spiking_vs_rk4);
  tcase_add_test(tc, test_refractory_clamp);
  tcase_add_test(tc, test_leak_free);
  tcase_add_test(tc, test_single_compartment_lif);
  tcase_add_test(tc, test_heterogeneous_blocks);
  tcase_add_test(tc, test_sixteen_compartments);
  suite_add_tcase(s, tc);
  TCase *tp = tcase_create("descriptor");
  tcase_add_test(tp, test_descriptor_and_shape);
  tcase_add_test(tp, test_refusals);
  suite_add_tcase(s, tp);
  return s;
}

#include "check_main.h"
AP_CHECK_MAIN(make_compartmental_suite)
