/* compartmental.c -- a tree of passive compartments with a leaky
 * integrate-and-fire soma and exponentially decaying synaptic currents in
 * every compartment, integrated exactly on the time grid.
 *
 * The number of compartments is a structure parameter (n_comp): shape()
 * gives each population its compartments, state variables and ports, and
 * the per-compartment parameters are list parameters of n_comp values.
 * Between spikes the model is linear with constant coefficients, so
 * prepare() computes the exact one-step propagator of the coupled system
 * (a matrix exponential, through a symmetric eigen-decomposition) once per
 * parameter set, and update() is one small matrix-vector product per
 * neuron.  A second propagator, of the dendrites alone with the soma held
 * at V_reset, covers the refractory period. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "apical_plugin.h"
#include "../../plugin_err.h"

/* At most 16 compartments: enough for the reduced dendritic trees the
 * model is meant for, and it keeps the per-step work (3 n^2 multiply-adds
 * per neuron) and the stack scratch of update() small and fixed. */
#define MAX_COMP 16
#define DEF_N_COMP 2

enum {
  PAR_N_COMP,
  PAR_PARENT,
  PAR_G_C,
  PAR_C_M,
  PAR_G_L,
  PAR_E_L,
  PAR_I_E,
  PAR_V_TH,
  PAR_V_RESET,
  PAR_T_REF,
  PAR_TAU_SYN_EX,
  PAR_TAU_SYN_IN,
  N_PARAMS
};
/* The list parameters are PAR_PARENT .. PAR_I_E, in this order. */
#define FIRST_LIST PAR_PARENT
#define N_LISTS (PAR_I_E - PAR_PARENT + 1)

/* Values of a compartment whose list parameter was left empty.  The
 * parent of compartment k (1-based) is k - 1: an unbranched chain. */
#define DEF_G_C 10.0
#define DEF_C_M 100.0
#define DEF_G_L 5.0
#define DEF_E_L (-70.0)
#define DEF_I_E 0.0

static const ap_param_desc params[N_PARAMS] = {
    [PAR_N_COMP] = {"n_comp", "1",
                    "number of compartments (1: the soma alone); fixed when "
                    "the population is created",
                    AP_PT_INT, DEF_N_COMP, 1.0, MAX_COMP, AP_PARAM_STRUCTURE,
                    NULL},
    [PAR_PARENT] = {"parent", "1",
                    "per compartment: index of the parent compartment "
                    "(1-based, smaller than its own; 0 for the soma)",
                    AP_PT_LIST, 0.0, 0.0, MAX_COMP - 1, 0, NULL},
    [PAR_G_C] = {"g_c", "nS",
                 "per compartment: coupling conductance to the parent "
                 "(ignored for the soma)",
                 AP_PT_LIST, 0.0, 0.0, INFINITY, 0, NULL},
    [PAR_C_M] = {"C_m", "pF", "per compartment: membrane capacitance",
                 AP_PT_LIST, 0.0, 0.0, INFINITY, AP_RANGE_MIN_OPEN, NULL},
    [PAR_G_L] = {"g_L", "nS", "per compartment: leak conductance", AP_PT_LIST,
                 0.0, 0.0, INFINITY, 0, NULL},
    [PAR_E_L] = {"E_L", "mV", "per compartment: leak reversal potential",
                 AP_PT_LIST, 0.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_I_E] = {"I_e", "pA", "per compartment: constant input current",
                 AP_PT_LIST, 0.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_V_TH] = {"V_th", "mV", "spike threshold of the soma", AP_PT_REAL,
                  -55.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_V_RESET] = {"V_reset", "mV", "reset potential of the soma, below V_th",
                     AP_PT_REAL, -70.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_T_REF] = {"t_ref", "ms",
                   "absolute refractory period (rounded to whole steps)",
                   AP_PT_REAL, 2.0, 0.0, INFINITY, 0, NULL},
    [PAR_TAU_SYN_EX] = {"tau_syn_ex", "ms",
                        "decay time constant of the excitatory currents",
                        AP_PT_REAL, 2.0, 0.0, INFINITY, AP_RANGE_MIN_OPEN,
                        NULL},
    [PAR_TAU_SYN_IN] = {"tau_syn_in", "ms",
                        "decay time constant of the inhibitory currents",
                        AP_PT_REAL, 5.0, 0.0, INFINITY, AP_RANGE_MIN_OPEN,
                        NULL},
};

/* Layout of a population of n compartments (shape() builds it):
 *   state:  V_<c> at k, I_ex_<c> at n + k, I_in_<c> at 2n + k, r_ref at 3n
 *   ports:  <c>_ex at 2k, <c>_in at 2k + 1
 * for compartment k (0-based) named c.  The tables below are that layout
 * for the default n_comp = 2, for `apical describe` and for a host that
 * does not shape populations; a test checks that shape() agrees. */
#define VAR_V(n, k) (k)
#define VAR_I_EX(n, k) ((n) + (k))
#define VAR_I_IN(n, k) (2 * (n) + (k))
#define VAR_R_REF(n) (3 * (n))
#define PORT_EX(k) (2 * (k))
#define PORT_IN(k) (2 * (k) + 1)

/* Docs of the shaped tables; %s is the compartment's name. */
#define DOC_V "membrane potential of compartment %s"
#define DOC_I_EX "excitatory synaptic current into compartment %s"
#define DOC_I_IN "inhibitory synaptic current into compartment %s " \
                 "(normally negative)"
#define DOC_R_REF "refractory steps left (the soma is held at V_reset)"
#define DOC_PORT_EX "excitatory current input to %s (pA, sign kept)"
#define DOC_PORT_IN "inhibitory current input to %s (pA, negative weights)"

static const char *const default_compartments[DEF_N_COMP] = {"soma", "d1"};

static const ap_var_desc default_vars[3 * DEF_N_COMP + 1] = {
    {"V_soma", "mV", "membrane potential of compartment soma", -70.0, NULL,
     0, 0},
    {"V_d1", "mV", "membrane potential of compartment d1", -70.0, NULL, 1, 0},
    {"I_ex_soma", "pA", "excitatory synaptic current into compartment soma",
     0.0, NULL, 0, 0},
    {"I_ex_d1", "pA", "excitatory synaptic current into compartment d1", 0.0,
     NULL, 1, 0},
    {"I_in_soma", "pA",
     "inhibitory synaptic current into compartment soma (normally negative)",
     0.0, NULL, 0, 0},
    {"I_in_d1", "pA",
     "inhibitory synaptic current into compartment d1 (normally negative)",
     0.0, NULL, 1, 0},
    {"r_ref", "1", DOC_R_REF, 0.0, NULL, 0, AP_VAR_INTERNAL},
};

static const ap_port_desc default_ports[2 * DEF_N_COMP] = {
    {"soma_ex", "excitatory current input to soma (pA, sign kept)",
     AP_PORT_CURRENT, 0, +1},
    {"soma_in", "inhibitory current input to soma (pA, negative weights)",
     AP_PORT_CURRENT, 0, -1},
    {"d1_ex", "excitatory current input to d1 (pA, sign kept)",
     AP_PORT_CURRENT, 1, 0},
    {"d1_in", "inhibitory current input to d1 (pA, negative weights)",
     AP_PORT_CURRENT, 1, 0},
};

/* "soma" for compartment 0, "d<k>" for compartment k > 0 (0-based k).
 * k < 16 always; "% 100" tells the compiler the name fits COMP_LEN. */
static void comp_name(char *buf, size_t size, unsigned k) {
  if (k == 0)
    snprintf(buf, size, "soma");
  else
    snprintf(buf, size, "d%u", k % 100u);
}

/* ----------------------------------------------------------------- shape */

/* Everything one shape() returns, in one allocation: the tables point
 * into the name and doc buffers beside them. */
#define COMP_LEN 8 /* "soma", "d1" .. "d15" */
#define NAME_LEN 16
#define DOC_LEN 96
typedef struct shape_mem {
  const char *comp[MAX_COMP];
  char comp_name[MAX_COMP][COMP_LEN];
  ap_var_desc vars[3 * MAX_COMP + 1];
  char var_name[3 * MAX_COMP][NAME_LEN];
  char var_doc[3 * MAX_COMP][DOC_LEN];
  ap_port_desc ports[2 * MAX_COMP];
  char port_name[2 * MAX_COMP][NAME_LEN];
  char port_doc[2 * MAX_COMP][DOC_LEN];
} shape_mem;

/* n_comp as a count, or 0 when it is not an integer in 1..MAX_COMP. */
static unsigned n_comp_of(double v) {
  if (!(v >= 1.0 && v <= MAX_COMP) || v != floor(v)) return 0;
  return (unsigned)v;
}


static int shape(ap_neuron_shape *out, const ap_real *structure, char *err,
                 size_t err_size) {
  /* The host checks the range before it calls us; this guards a caller
   * that does not, since the layout is sized by the value. */
  const unsigned n = n_comp_of(structure[PAR_N_COMP]);
  if (!n) {
    set_err(err, err_size, "n_comp must be an integer in 1..%d, got %g",
            MAX_COMP, structure[PAR_N_COMP]);
    return AP_EINVAL;
  }
  shape_mem *s = calloc(1, sizeof *s);
  if (!s) {
    set_err(err, err_size, "out of memory for the layout of %u compartments",
            n);
    return AP_ENOMEM;
  }
  for (unsigned k = 0; k < n; k++) {
    char c[COMP_LEN];
    comp_name(c, sizeof c, k);
    snprintf(s->comp_name[k], COMP_LEN, "%s", c);
    s->comp[k] = s->comp_name[k];
    static const char *const prefix[3] = {"V_", "I_ex_", "I_in_"};
    const unsigned at[3] = {VAR_V(n, k), VAR_I_EX(n, k), VAR_I_IN(n, k)};
    snprintf(s->var_doc[at[0]], DOC_LEN, DOC_V, c);
    snprintf(s->var_doc[at[1]], DOC_LEN, DOC_I_EX, c);
    snprintf(s->var_doc[at[2]], DOC_LEN, DOC_I_IN, c);
    for (int j = 0; j < 3; j++) {
      snprintf(s->var_name[at[j]], NAME_LEN, "%s%s", prefix[j], c);
      s->vars[at[j]] = (ap_var_desc){s->var_name[at[j]], j ? "pA" : "mV",
                                     s->var_doc[at[j]], j ? 0.0 : DEF_E_L,
                                     NULL, k, 0};
    }
    snprintf(s->port_name[PORT_EX(k)], NAME_LEN, "%s_ex", c);
    snprintf(s->port_name[PORT_IN(k)], NAME_LEN, "%s_in", c);
    snprintf(s->port_doc[PORT_EX(k)], DOC_LEN, DOC_PORT_EX, c);
    snprintf(s->port_doc[PORT_IN(k)], DOC_LEN, DOC_PORT_IN, c);
    /* Only the soma's ports are defaults for the sign rule: a projection
     * that names no port feeds the soma, as in a point neuron. */
    s->ports[PORT_EX(k)] =
        (ap_port_desc){s->port_name[PORT_EX(k)], s->port_doc[PORT_EX(k)],
                       AP_PORT_CURRENT, k, k == 0 ? +1 : 0};
    s->ports[PORT_IN(k)] =
        (ap_port_desc){s->port_name[PORT_IN(k)], s->port_doc[PORT_IN(k)],
                       AP_PORT_CURRENT, k, k == 0 ? -1 : 0};
  }
  s->vars[VAR_R_REF(n)] =
      (ap_var_desc){"r_ref", "1", DOC_R_REF, 0.0, NULL, 0, AP_VAR_INTERNAL};
  out->compartments = s->comp;
  out->n_compartments = n;
  out->vars = s->vars;
  out->n_vars = 3 * n + 1;
  out->ports = s->ports;
  out->n_ports = 2 * n;
  out->owner = s;
  return AP_OK;
}

static void release_shape(ap_neuron_shape *s) {
  if (!s) return;
  free(s->owner);
  s->owner = NULL;
}

/* ------------------------------------------------------ the linear system */

/* Eigen-decomposition of the symmetric n x n matrix a (row-major; it is
 * overwritten): eigenvalues to lam, eigenvectors to the columns of v.
 * Cyclic Jacobi rotations: unconditionally stable, accurate to rounding
 * for every symmetric matrix, and simple; its O(n^3) per sweep is nothing
 * at n <= 16, once per parameter set.  An off-diagonal element at or below
 * 1e-18 of the matrix norm is dropped: it moves the eigenvalues by less
 * than that, far below the rounding of the matrix itself.  Returns 0, or
 * -1 if the sweeps did not converge (not seen in practice: convergence is
 * quadratic). */
static int jacobi(unsigned n, double *a, double *lam, double *v) {
  double norm = 0.0;
  for (unsigned k = 0; k < n * n; k++) norm += a[k] * a[k];
  const double tol = 1e-18 * sqrt(norm);
  for (unsigned k = 0; k < n * n; k++) v[k] = 0.0;
  for (unsigned k = 0; k < n; k++) v[k * n + k] = 1.0;
  int done = 0;
  for (int sweep = 0; sweep < 100 && !done; sweep++) {
    done = 1;
    for (unsigned p = 0; p + 1 < n; p++)
      for (unsigned q = p + 1; q < n; q++) {
        const double apq = a[p * n + q];
        if (fabs(apq) <= tol) {
          a[p * n + q] = a[q * n + p] = 0.0;
          continue;
        }
        done = 0;
        /* The rotation angle that zeroes a[p][q], with t = tan(angle) the
         * smaller root of t^2 + 2 theta t - 1 = 0 (|angle| <= pi/4, which
         * makes the sweeps converge), written without overflow. */
        const double theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
        double t = fabs(theta) > 1e150
                       ? 0.5 / fabs(theta)
                       : 1.0 / (fabs(theta) + sqrt(theta * theta + 1.0));
        if (theta < 0.0) t = -t;
        const double c = 1.0 / sqrt(t * t + 1.0), s = t * c;
        for (unsigned k = 0; k < n; k++) { /* a J */
          const double akp = a[k * n + p], akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (unsigned k = 0; k < n; k++) { /* J^T a */
          const double apk = a[p * n + k], aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        a[p * n + q] = a[q * n + p] = 0.0; /* zero by construction */
        for (unsigned k = 0; k < n; k++) { /* v J */
          const double vkp = v[k * n + p], vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
  }
  for (unsigned k = 0; k < n; k++) lam[k] = a[k * n + k];
  return done ? 0 : -1;
}

/* (1 - exp(-y))/y, accurate for small |y| (expm1), 1 at y = 0. */
static double phi(double y) { return y != 0.0 ? -expm1(-y) / y : 1.0; }

/* Integral over [0, h] of exp(-lam (h - s)) exp(-g s) ds: the response
 * after h of a mode of rate lam to a unit drive decaying at rate g (g = 0:
 * a constant drive).  Written as h exp(-min(lam, g) h) phi(|lam - g| h), as
 * lif_psc_exp's propagator: accurate when the rates are close, equal to
 * the limit h exp(-lam h) when they are equal, and no overflow. */
static double mode_response(double lam, double g, double h) {
  const double lo = lam < g ? lam : g;
  return h * exp(-lo * h) * phi(fabs(lam - g) * h);
}

/* Solve G x = f for the symmetric matrix G by Cholesky factorisation;
 * -1 when G is not positive definite (a tree without any leak). */
static int solve_spd(unsigned n, const double *G, const double *f,
                     double *x) {
  double L[MAX_COMP * MAX_COMP] = {0}, y[MAX_COMP];
  for (unsigned j = 0; j < n; j++) {
    double d = G[j * n + j];
    for (unsigned k = 0; k < j; k++) d -= L[j * n + k] * L[j * n + k];
    if (!(d > 0.0)) return -1;
    L[j * n + j] = sqrt(d);
    for (unsigned i = j + 1; i < n; i++) {
      double v = G[i * n + j];
      for (unsigned k = 0; k < j; k++) v -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = v / L[j * n + j];
    }
  }
  for (unsigned i = 0; i < n; i++) {
    double v = f[i];
    for (unsigned k = 0; k < i; k++) v -= L[i * n + k] * y[k];
    y[i] = v / L[i * n + i];
  }
  for (unsigned i = n; i-- > 0;) {
    double v = y[i];
    for (unsigned k = i + 1; k < n; k++) v -= L[k * n + i] * x[k];
    x[i] = v / L[i * n + i];
  }
  return 0;
}

/* Beyond this steady-state voltage (an almost leak-free tree under a
 * constant current) the step is taken from 0 instead: V - V* would lose
 * the digits that the steady-state form is meant to keep. */
#define VREF_MAX 1e4 /* mV */

/* The exact one-step propagator of
 *   C_k dV_k/dt = -(G V)_k + f_k + I_ex,k(t) + I_in,k(t),
 * with I_x,k(t) = I_x,k(0) exp(-t/tau_x) over the step and f constant:
 *   V(h) = d + P (V(0) - v) + K_ex I_ex(0) + K_in I_in(0)
 * where v is the steady state V* = G^-1 f and d = V* (so that a neuron at
 * rest stays exactly at rest, and rounding does not pile up near the
 * fixed point), or, for a tree without leak (G singular) or with V* out
 * of all proportion, v = 0 and d = F f, the exact response to f.
 * G is symmetric (conductances), C > 0 diagonal, so with S = diag(sqrt C)
 * the matrix B = S^-1 G S^-1 is symmetric positive semi-definite, and
 * with B = Q diag(lam) Q^T
 *   exp(-C^-1 G t) = S^-1 Q diag(exp(-lam t)) Q^T S,
 * so that P = S^-1 Q diag(exp(-lam h)) Q^T S, and K_x, F are
 * S^-1 Q diag(mode_response(lam, 1/tau_x or 0, h)) Q^T S^-1.  Output:
 * row k of M (3n wide) is [P_k. | K_ex,k. | K_in,k.]; v and d as above.
 * A leak-free tree is fine: its zero mode integrates. */
static int propagators(unsigned n, const double *G, const double *C,
                       const double *f, double h, double tau_ex,
                       double tau_in, double *M, double *v, double *d) {
  double b[MAX_COMP * MAX_COMP], q[MAX_COMP * MAX_COMP], lam[MAX_COMP],
      s[MAX_COMP];
  for (unsigned k = 0; k < n; k++) s[k] = sqrt(C[k]);
  for (unsigned k = 0; k < n; k++)
    for (unsigned l = 0; l < n; l++) b[k * n + l] = G[k * n + l] / (s[k] * s[l]);
  if (jacobi(n, b, lam, q)) return -1;
  double e[MAX_COMP], rf[MAX_COMP], rex[MAX_COMP], rin[MAX_COMP];
  for (unsigned j = 0; j < n; j++) {
    e[j] = exp(-lam[j] * h);
    rf[j] = mode_response(lam[j], 0.0, h);
    rex[j] = mode_response(lam[j], 1.0 / tau_ex, h);
    rin[j] = mode_response(lam[j], 1.0 / tau_in, h);
  }
  int steady = solve_spd(n, G, f, v) == 0;
  for (unsigned k = 0; k < n && steady; k++)
    steady = fabs(v[k]) <= VREF_MAX;
  for (unsigned k = 0; k < n; k++) {
    double dk = 0.0;
    for (unsigned l = 0; l < n; l++) {
      double sp = 0.0, sf = 0.0, sx = 0.0, si = 0.0;
      for (unsigned j = 0; j < n; j++) {
        const double w = q[k * n + j] * q[l * n + j];
        sp += w * e[j];
        sf += w * rf[j];
        sx += w * rex[j];
        si += w * rin[j];
      }
      const double out = 1.0 / (s[k] * s[l]);
      M[k * 3 * n + l] = sp * s[l] / s[k];
      M[k * 3 * n + n + l] = sx * out;
      M[k * 3 * n + 2 * n + l] = si * out;
      dk += sf * out * f[l];
    }
    d[k] = steady ? v[k] : dk;
  }
  if (!steady)
    for (unsigned k = 0; k < n; k++) v[k] = 0.0;
  return 0;
}

/* ------------------------------------------------------------- prepare */

/* One neuron's parameters, lists resolved (defaults filled in). */
typedef struct cparams {
  unsigned n;
  double list[N_LISTS][MAX_COMP]; /* indexed by PAR_* - FIRST_LIST */
  double V_th, V_reset, t_ref, tau_ex, tau_in;
} cparams;

#define L_PARENT (PAR_PARENT - FIRST_LIST)
#define L_G_C (PAR_G_C - FIRST_LIST)
#define L_C_M (PAR_C_M - FIRST_LIST)
#define L_G_L (PAR_G_L - FIRST_LIST)
#define L_E_L (PAR_E_L - FIRST_LIST)
#define L_I_E (PAR_I_E - FIRST_LIST)

static int same_params(const cparams *a, const cparams *b) {
  if (a->V_th != b->V_th || a->V_reset != b->V_reset || a->t_ref != b->t_ref ||
      a->tau_ex != b->tau_ex || a->tau_in != b->tau_in)
    return 0;
  for (int j = 0; j < N_LISTS; j++)
    for (unsigned k = 0; k < a->n; k++)
      if (a->list[j][k] != b->list[j][k]) return 0;
  return 1;
}

/* Resolve and check neuron i's parameters; 0, or -1 with err set.
 * Messages name the neuron and compartment 1-based, as users index. */
static int resolve(cparams *cp, const ap_neuron_pop *pop, size_t i,
                   unsigned n, char *err, size_t err_size) {
  const ap_real *const *par = pop->param;
  cp->n = n;
  for (int j = 0; j < N_LISTS; j++) {
    const int k = FIRST_LIST + j;
    const ap_list *l = pop->lists ? &pop->lists[k] : NULL;
    const size_t lo = l && l->offset ? l->offset[i] : 0;
    const size_t len = l && l->offset ? l->offset[i + 1] - lo : 0;
    if (len != 0 && len != n) {
      set_err(err, err_size,
              "neuron %zu: list parameter '%s' has %zu value%s but n_comp = "
              "%u: give one value per compartment (or an empty list for "
              "the defaults)",
              i + 1, params[k].name, len, len == 1 ? "" : "s", n);
      return -1;
    }
    for (unsigned c = 0; c < n; c++) {
      double v;
      if (len) {
        v = l->value[lo + c];
      } else {
        switch (k) {
        case PAR_PARENT: v = c; break; /* c - 1, numbered from 1 */
        case PAR_G_C: v = DEF_G_C; break;
        case PAR_C_M: v = DEF_C_M; break;
        case PAR_G_L: v = DEF_G_L; break;
        case PAR_E_L: v = DEF_E_L; break;
        default: v = DEF_I_E; break;
        }
      }
      if (!isfinite(v)) {
        char name[COMP_LEN];
        comp_name(name, sizeof name, c);
        set_err(err, err_size,
                "neuron %zu, compartment %u (%s): %s must be finite, got %g",
                i + 1, c + 1, name, params[k].name, v);
        return -1;
      }
      cp->list[j][c] = v;
    }
  }
  cp->V_th = par[PAR_V_TH][i];
  cp->V_reset = par[PAR_V_RESET][i];
  cp->t_ref = par[PAR_T_REF][i];
  cp->tau_ex = par[PAR_TAU_SYN_EX][i];
  cp->tau_in = par[PAR_TAU_SYN_IN][i];
  for (unsigned c = 0; c < n; c++) {
    char name[COMP_LEN];
    comp_name(name, sizeof name, c);
    const double p = cp->list[L_PARENT][c];
    if (c == 0 && p != 0.0) {
      set_err(err, err_size,
              "neuron %zu: the parent of compartment 1 (soma) must be 0 (the "
              "soma is the root of the tree), got %g",
              i + 1, p);
      return -1;
    }
    if (c > 0 && !(p >= 1.0 && p <= c && p == floor(p))) {
      set_err(err, err_size,
              "neuron %zu, compartment %u (%s): parent %g must be the index "
              "of a compartment before it, an integer in 1..%u",
              i + 1, c + 1, name, p, c);
      return -1;
    }
    const double C = cp->list[L_C_M][c], gl = cp->list[L_G_L][c],
                 gc = cp->list[L_G_C][c];
    if (!(C > 0.0)) {
      set_err(err, err_size,
              "neuron %zu, compartment %u (%s): C_m must be > 0 pF, got %g pF",
              i + 1, c + 1, name, C);
      return -1;
    }
    if (!(gl >= 0.0)) {
      set_err(err, err_size,
              "neuron %zu, compartment %u (%s): g_L must be >= 0 nS, got %g nS",
              i + 1, c + 1, name, gl);
      return -1;
    }
    if (c > 0 && !(gc > 0.0)) {
      set_err(err, err_size,
              "neuron %zu, compartment %u (%s): g_c must be > 0 nS (it "
              "couples the compartment to its parent), got %g nS",
              i + 1, c + 1, name, gc);
      return -1;
    }
  }
  if (!(cp->V_reset < cp->V_th)) {
    set_err(err, err_size,
            "neuron %zu: V_reset (%.10g mV) must be below V_th (%.10g mV)",
            i + 1, cp->V_reset, cp->V_th);
    return -1;
  }
  if (!(cp->t_ref >= 0.0) || !(cp->tau_ex > 0.0) || !(cp->tau_in > 0.0)) {
    set_err(err, err_size,
            "neuron %zu: t_ref (%g ms) must be >= 0 and tau_syn_ex (%g ms), "
            "tau_syn_in (%g ms) > 0",
            i + 1, cp->t_ref, cp->tau_ex, cp->tau_in);
    return -1;
  }
  return 0;
}

/* Derived values of one parameter set (a "kernel"), laid out as doubles:
 *   M   n x 3n  free propagator rows [P | K_ex | K_in]
 *   v   n       reference point the voltages are propagated from
 *   d   n       where the reference point goes in one step
 *   Mc  m x 3m  propagator of the dendrites (m = n - 1) while the soma is
 *               clamped at V_reset, on [V_d | I_ex,d | I_in,d]
 *   vc, dc  m   its reference point and image (leak, I_e, clamped soma)
 *   then P11ex, P11in, ref_steps, V_th, V_reset. */
enum { K_P11EX, K_P11IN, K_REF, K_V_TH, K_V_RESET, K_SCALARS };

/* Where each part starts in a kernel of n compartments, and its size. */
typedef struct koff {
  size_t v, d, Mc, vc, dc, sc, size;
} koff;

static koff kernel_offsets(unsigned n) {
  const size_t m = n - 1;
  koff o;
  o.v = 3 * (size_t)n * n;
  o.d = o.v + n;
  o.Mc = o.d + n;
  o.vc = o.Mc + 3 * m * m;
  o.dc = o.vc + m;
  o.sc = o.dc + m;
  o.size = o.sc + K_SCALARS;
  return o;
}

static int build_kernel(double *K, const cparams *cp, double h) {
  const unsigned n = cp->n, m = n - 1;
  double G[MAX_COMP * MAX_COMP] = {0}, f[MAX_COMP] = {0};
  const double *C = cp->list[L_C_M];
  for (unsigned k = 0; k < n; k++) {
    G[k * n + k] += cp->list[L_G_L][k];
    f[k] = cp->list[L_G_L][k] * cp->list[L_E_L][k] + cp->list[L_I_E][k];
  }
  /* Each compartment k > 0 adds its coupling to its parent p: g_c on
   * both diagonals, -g_c off the diagonal (the symmetric Laplacian of
   * the tree). */
  for (unsigned k = 1; k < n; k++) {
    const unsigned p = (unsigned)cp->list[L_PARENT][k] - 1;
    const double g = cp->list[L_G_C][k];
    G[k * n + k] += g;
    G[p * n + p] += g;
    G[k * n + p] -= g;
    G[p * n + k] -= g;
  }
  const koff o = kernel_offsets(n);
  double *sc = K + o.sc;
  if (propagators(n, G, C, f, h, cp->tau_ex, cp->tau_in, K, K + o.v,
                  K + o.d))
    return -1;
  if (m > 0) {
    /* Soma held at V_reset: drop its row and column; its coupling to its
     * children becomes the constant current g_c V_reset into them. */
    double Gd[MAX_COMP * MAX_COMP], fd[MAX_COMP];
    for (unsigned k = 0; k < m; k++) {
      for (unsigned l = 0; l < m; l++) Gd[k * m + l] = G[(k + 1) * n + l + 1];
      fd[k] = f[k + 1] - G[(k + 1) * n] * cp->V_reset;
    }
    if (propagators(m, Gd, C + 1, fd, h, cp->tau_ex, cp->tau_in, K + o.Mc,
                    K + o.vc, K + o.dc))
      return -1;
  }
  sc[K_P11EX] = exp(-h / cp->tau_ex);
  sc[K_P11IN] = exp(-h / cp->tau_in);
  sc[K_REF] = round(cp->t_ref / h);
  sc[K_V_TH] = cp->V_th;
  sc[K_V_RESET] = cp->V_reset;
  return 0;
}

typedef struct comp_inst {
  unsigned nc;     /* compartments */
  koff o;          /* layout of a kernel */
  size_t stride;   /* doubles per kernel */
  size_t n_kern;
  uint32_t *kidx;  /* neuron (population index) -> kernel */
  double *kern;
} comp_inst;

static void release(void *p) {
  comp_inst *in = p;
  if (!in) return;
  free(in->kidx);
  free(in->kern);
  free(in);
}

static int prepare(void **out, const ap_neuron_pop *pop, char *err,
                   size_t err_size) {
  const size_t n = pop->n;
  *out = NULL;
  /* n_comp was fixed for the whole population when it was shaped; it
   * sizes the state arrays, so a disagreement here is a host error. */
  const unsigned nc = n ? n_comp_of(pop->param[PAR_N_COMP][0]) : 1;
  for (size_t i = 0; i < n; i++)
    if (!nc || pop->param[PAR_N_COMP][i] != nc) {
      set_err(err, err_size,
              "neuron %zu: n_comp %g differs from the population's shape "
              "(n_comp must be an integer in 1..%d, the same for all)",
              i + 1, pop->param[PAR_N_COMP][i], MAX_COMP);
      return AP_EINVAL;
    }
  comp_inst *in = calloc(1, sizeof *in);
  cparams *cp = malloc(2 * sizeof *cp);
  if (in) in->kidx = malloc((n ? n : 1) * sizeof *in->kidx);
  if (!in || !cp || !in->kidx) {
    set_err(err, err_size,
            "out of memory for the propagators of %zu neurons", n);
    free(cp);
    release(in);
    return AP_ENOMEM;
  }
  in->nc = nc;
  in->o = kernel_offsets(nc);
  in->stride = in->o.size;
  /* Neurons with the parameters of the neuron before them share its
   * kernel: a population with one parameter set (or set in slices)
   * computes and stores one per run of equal neurons, not one each. */
  cparams *cur = &cp[0], *last = &cp[1];
  for (size_t i = 0; i < n; i++) {
    if (resolve(cur, pop, i, nc, err, err_size)) {
      free(cp);
      release(in);
      return AP_EINVAL;
    }
    if (i == 0 || !same_params(cur, last)) {
      in->n_kern++;
      cparams *t = last;
      last = cur;
      cur = t;
    }
    in->kidx[i] = (uint32_t)(in->n_kern - 1);
  }
  in->kern = malloc((in->n_kern ? in->n_kern : 1) * in->stride *
                    sizeof *in->kern);
  if (!in->kern) {
    set_err(err, err_size,
            "out of memory for %zu propagator sets of %u compartments",
            in->n_kern, nc);
    free(cp);
    release(in);
    return AP_ENOMEM;
  }
  for (size_t i = 0; i < n; i++) {
    if (i > 0 && in->kidx[i] == in->kidx[i - 1]) continue;
    resolve(cur, pop, i, nc, NULL, 0); /* checked above */
    if (build_kernel(in->kern + in->kidx[i] * in->stride, cur, pop->dt)) {
      set_err(err, err_size,
              "neuron %zu: the eigen-decomposition of the compartments' "
              "coupling did not converge", i + 1);
      free(cp);
      release(in);
      return AP_EINVAL;
    }
  }
  free(cp);
  *out = in;
  return AP_OK;
}

/* -------------------------------------------------------------- update */

/* One step, in NEST's order (as lif_psc_exp): propagate the voltages over
 * the step with the currents decaying from their values at its start (or,
 * while refractory, propagate the dendrites with the soma held at V_reset
 * and count r_ref down), decay the currents and add this step's weights,
 * then test the soma against V_th. */
static int update(ap_neuron_block *b, char *err, size_t err_size) {
  (void)err, (void)err_size;
  const comp_inst *in = b->inst;
  const unsigned n = in->nc, m = n - 1;
  ap_real *const *st = b->state;
  ap_real *r = st[VAR_R_REF(n)];
  double x[3 * MAX_COMP], y[MAX_COMP];
  size_t ns = 0;
  const koff o = in->o;
  for (size_t i = 0; i < b->n; i++) {
    const double *K = in->kern + (size_t)in->kidx[b->first + i] * in->stride;
    const double *M = K, *v0 = K + o.v, *d = K + o.d, *Mc = K + o.Mc,
                 *vc = K + o.vc, *dc = K + o.dc, *sc = K + o.sc;
    if (r[i] > 0.0) {
      /* [V_d - vc | I_ex,d | I_in,d]: the state without the soma. */
      for (unsigned k = 0; k < m; k++) {
        x[k] = st[VAR_V(n, k + 1)][i] - vc[k];
        x[m + k] = st[VAR_I_EX(n, k + 1)][i];
        x[2 * m + k] = st[VAR_I_IN(n, k + 1)][i];
      }
      for (unsigned k = 0; k < m; k++) {
        const double *row = Mc + 3 * (size_t)m * k;
        double v = 0.0;
        for (unsigned l = 0; l < 3 * m; l++) v += row[l] * x[l];
        st[VAR_V(n, k + 1)][i] = dc[k] + v;
      }
      st[VAR_V(n, 0)][i] = sc[K_V_RESET];
      r[i] -= 1.0;
    } else {
      for (unsigned k = 0; k < n; k++) {
        x[k] = st[VAR_V(n, k)][i] - v0[k];
        x[n + k] = st[VAR_I_EX(n, k)][i];
        x[2 * n + k] = st[VAR_I_IN(n, k)][i];
      }
      for (unsigned k = 0; k < n; k++) {
        const double *row = M + 3 * (size_t)n * k;
        double v = 0.0;
        for (unsigned l = 0; l < 3 * n; l++) v += row[l] * x[l];
        y[k] = d[k] + v;
      }
      for (unsigned k = 0; k < n; k++) st[VAR_V(n, k)][i] = y[k];
      if (y[0] >= sc[K_V_TH]) {
        st[VAR_V(n, 0)][i] = sc[K_V_RESET];
        r[i] = sc[K_REF];
        b->spiked[ns++] = (uint32_t)i;
      }
    }
    for (unsigned k = 0; k < n; k++) {
      ap_real *ie = &st[VAR_I_EX(n, k)][i], *ii = &st[VAR_I_IN(n, k)][i];
      *ie = *ie * sc[K_P11EX] + b->input[PORT_EX(k)][i];
      *ii = *ii * sc[K_P11IN] + b->input[PORT_IN(k)][i];
    }
  }
  b->n_spiked = ns;
  return AP_OK;
}

static const ap_neuron_desc neuron = {
    .size = sizeof(ap_neuron_desc),
    .compartments = default_compartments,
    .n_compartments = DEF_N_COMP,
    .params = params,
    .n_params = N_PARAMS,
    .vars = default_vars,
    .n_vars = 3 * DEF_N_COMP + 1,
    .ports = default_ports,
    .n_ports = 2 * DEF_N_COMP,
    .prepare = prepare,
    .update = update,
    .release = release,
    .shape = shape,
    .release_shape = release_shape,
};

static const char doc_long[] =
    "compartmental -- a tree of passive compartments with an integrate-and-"
    "fire soma\n"
    "\n"
    "Description\n"
    "  A neuron of n_comp compartments: the soma (compartment 1, \"soma\")\n"
    "  and dendritic compartments d1, d2, ... (compartment k + 1 is \"dk\").\n"
    "  Every compartment is a passive membrane (capacitance C_m, leak g_L to\n"
    "  E_L, constant current I_e) coupled to its parent by the conductance\n"
    "  g_c; the parent indices form a tree rooted at the soma.  Each\n"
    "  compartment has its own excitatory and inhibitory synaptic current,\n"
    "  fed by its ports <name>_ex and <name>_in: a spike makes the current\n"
    "  jump by its weight in pA at the end of the step it arrives in, and\n"
    "  the current then decays exponentially (tau_syn_ex, tau_syn_in, the\n"
    "  same in all compartments).  Weights keep their sign, so inhibitory\n"
    "  weights are normally negative.  Only the soma spikes: when V_soma is\n"
    "  at or above V_th at the end of a step, the neuron spikes (stamped\n"
    "  with the end of that step), V_soma is set to V_reset and held there\n"
    "  for t_ref, rounded to whole steps (r_ref counts them down), while the\n"
    "  dendrites keep evolving, coupled to the clamped soma.  n_comp = 1 is\n"
    "  a leaky integrate-and-fire neuron with exponential current synapses\n"
    "  (tau_m = C_m/g_L), as lif_psc_exp.\n"
    "\n"
    "  n_comp is a structure parameter: give it to ap.population, e.g.\n"
    "    ap.population(\"compartmental\", 10, { n_comp = 3,\n"
    "                  parent = { 0, 1, 1 }, g_c = { 0, 20, 20 } })\n"
    "  It fixes the population's compartments, state variables and ports\n"
    "  and cannot change afterwards.  The per-compartment parameters are\n"
    "  lists of n_comp numbers (one list for every neuron, or one list per\n"
    "  neuron); a list left empty (the default) gives every compartment the\n"
    "  default below, and a list of any other length than n_comp is refused.\n"
    "  The naming follows NEST's three-compartment iaf_cond_alpha_mc\n"
    "  (state V_m.s and receptor soma_exc there, V_soma and port soma_ex\n"
    "  here).\n"
    "\n"
    "Equations (compartment k, parent p(k), children j)\n"
    "  C_m,k dV_k/dt = -g_L,k (V_k - E_L,k) + I_e,k + I_ex,k + I_in,k\n"
    "                  + g_c,k (V_p(k) - V_k)       (k > 1)\n"
    "                  + sum_j g_c,j (V_j - V_k)    (children)\n"
    "  dI_ex,k/dt = -I_ex,k/tau_syn_ex + sum_s w_s delta(t - t_s)  (k_ex)\n"
    "  dI_in,k/dt = -I_in,k/tau_syn_in + sum_s w_s delta(t - t_s)  (k_in)\n"
    "  V_soma >= V_th: spike; V_soma = V_reset for round(t_ref/dt) steps\n"
    "\n"
    "Integration\n"
    "  Exact on the grid (Rotter & Diesmann 1999), as lif_psc_exp, for the\n"
    "  coupled system.  Write it as C dV/dt = -G V + f + I(t), with C the\n"
    "  diagonal of capacitances, G the symmetric conductance matrix (leaks\n"
    "  on the diagonal plus the tree's coupling Laplacian) and f = g_L E_L +\n"
    "  I_e.  With S = diag(sqrt(C_m)), B = S^-1 G S^-1 is symmetric positive\n"
    "  semi-definite; prepare() decomposes B = Q diag(lam) Q^T by Jacobi\n"
    "  rotations, so that exp(-C^-1 G h) = S^-1 Q diag(exp(-lam h)) Q^T S.\n"
    "  One step of length h = dt is then\n"
    "    V <- V* + P (V - V*) + K_ex I_ex + K_in I_in\n"
    "  with P that matrix exponential, K_x built from the same modes with\n"
    "  the exact response to a current decaying with tau_syn_x over the\n"
    "  step, and V* = G^-1 f the steady state (Cholesky), so that a neuron\n"
    "  at rest stays exactly at rest.  A tree without leak (G singular),\n"
    "  or one whose V* lies beyond 1e4 mV, steps as\n"
    "    V <- P V + F f + K_ex I_ex + K_in I_in\n"
    "  instead, F f being the exact response to f over the step.  While\n"
    "  refractory the soma's row and column are dropped and its coupling\n"
    "  to its children becomes the constant current g_c V_reset: a second\n"
    "  propagator of the same form.\n"
    "  The result is exact up to rounding (a leak-free tree, g_L = 0\n"
    "  everywhere, included).  Neurons whose parameters equal those of the\n"
    "  neuron before them share one set of propagators (about 12 kB at\n"
    "  n_comp = 16, so a population whose neurons all differ needs that much\n"
    "  per neuron); a step costs about 3 n_comp^2 multiply-adds per neuron.\n"
    "\n"
    "Order within a step (as NEST)\n"
    "  1. not refractory: propagate all V; refractory: propagate the\n"
    "     dendrites with V_soma = V_reset, r_ref -= 1\n"
    "  2. decay the currents, then add this step's weights (an input first\n"
    "     moves the voltages in the following step)\n"
    "  3. not refractory and V_soma >= V_th: spike, V_soma = V_reset,\n"
    "     r_ref = round(t_ref/dt)\n"
    "\n"
    "Parameters (lists: one value per compartment, soma first)\n"
    "  name        unit  default            meaning\n"
    "  n_comp      1     2                  compartments, 1..16 (structure)\n"
    "  parent      1     0, 1, ..., n-1     parent index (0 for the soma;\n"
    "                                       each smaller than its own index;\n"
    "                                       default: an unbranched chain)\n"
    "  g_c         nS    10 each            coupling to the parent (> 0;\n"
    "                                       the soma's entry is ignored)\n"
    "  C_m         pF    100 each           capacitance (> 0)\n"
    "  g_L         nS    5 each             leak conductance (>= 0)\n"
    "  E_L         mV    -70 each           leak reversal potential\n"
    "  I_e         pA    0 each             constant input current\n"
    "  V_th        mV    -55                spike threshold of the soma\n"
    "  V_reset     mV    -70                reset potential (< V_th)\n"
    "  t_ref       ms    2                  refractory period (>= 0)\n"
    "  tau_syn_ex  ms    2                  excitatory current decay (> 0)\n"
    "  tau_syn_in  ms    5                  inhibitory current decay (> 0)\n"
    "\n"
    "State (per compartment <name> = soma, d1, d2, ...; shown for n_comp=2)\n"
    "  V_soma     mV  membrane potential of the soma\n"
    "  V_d1       mV  membrane potential of d1 (V_d2, ... likewise)\n"
    "  I_ex_soma  pA  excitatory synaptic current into the soma\n"
    "  I_ex_d1    pA  excitatory synaptic current into d1 (I_ex_d2, ...)\n"
    "  I_in_soma  pA  inhibitory synaptic current into the soma\n"
    "  I_in_d1    pA  inhibitory synaptic current into d1 (I_in_d2, ...)\n"
    "  r_ref      1   refractory steps left (internal, initially 0)\n"
    "  Every V starts at -70 mV (the default E_L) and every current at 0:\n"
    "  the host can start a state at a scalar parameter's value but not at a\n"
    "  list entry, so with other E_L set the voltages yourself\n"
    "  (p:set{ V_soma = -65, V_d1 = -65 }) or let the neuron settle.\n"
    "\n"
    "Ports (per compartment; shown for n_comp = 2)\n"
    "  soma_ex  current (pA), default for non-negative weights\n"
    "  soma_in  current (pA), default for negative weights\n"
    "  d1_ex    current (pA) into d1 (d2_ex, ... likewise); name it:\n"
    "           ap.connect(a, b, \"all_to_all\", { weight = 50,\n"
    "                                            port = \"d1_ex\" })\n"
    "  d1_in    current (pA) into d1, negative weights (d2_in, ...)\n"
    "\n"
    "References\n"
    "  Koch C (1999). Biophysics of Computation: Information Processing in\n"
    "    Single Neurons. Oxford University Press. (compartmental models)\n"
    "  Rall W (1959). Branching dendritic trees and motoneuron membrane\n"
    "    resistivity. Experimental Neurology 1:491-527. (cable theory of\n"
    "    passive trees)\n"
    "  Rotter S, Diesmann M (1999). Exact digital simulation of\n"
    "    time-invariant linear systems with applications to neuronal\n"
    "    modeling. Biological Cybernetics 81:381-402.\n"
    "  NEST simulator: iaf_cond_alpha_mc, a three-compartment neuron (the\n"
    "    naming of compartments, states and ports).\n";

static const ap_plugin_desc plugins[] = {{
    .size = sizeof(ap_plugin_desc),
    .kind = AP_KIND_NEURON,
    .name = "compartmental",
    .version = "1.0",
    .doc = "tree of passive compartments with an integrate-and-fire soma "
           "(n_comp compartments, exact integration)",
    .doc_long = doc_long,
    .desc = &neuron,
}};

AP_PLUGIN(plugins)
