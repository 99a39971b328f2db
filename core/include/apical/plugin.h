/*
 * plugin.h -- the plugin ABI of apical: what every plugin uses.
 *
 * A plugin is one shared object that exports one symbol, `ap_plugin_entry`,
 * a function with no side effects that returns a pointer to a const
 * descriptor table (`ap_plugin_table`).  The host validates every descriptor
 * in the table before it calls any other plugin code.  Plugins never link
 * against the host: everything they need from it (random numbers, logging)
 * comes through the `ap_host` service table handed to their hooks.
 *
 * This header holds what every kind shares: the version, status codes,
 * parameter, variable and port tables, the host services and the entry
 * point.  Each kind has its own header on top of it: neuron.h (with
 * lower.h, the chip form of a neuron), synapse.h, rule.h, backend.h;
 * apical_plugin.h includes them all.
 *
 * Stability rules (docs/writing-plugins.md):
 *   - AP_ABI_MAJOR changes when a field is removed, moved or changes
 *     meaning; the host refuses a plugin built for another major, naming
 *     the file, its ABI and the host's.
 *   - AP_ABI_MINOR changes when fields are appended.  The host refuses a
 *     plugin built for a newer minor than its own, and reads an older one:
 *       - a structure a plugin hands to the host (the descriptors) starts
 *         with its size, and the host counts a field appended after the
 *         plugin's minor as absent (AP_HAS_FIELD);
 *       - a structure the host hands to a plugin (ap_host, ap_net, the
 *         contexts of hooks) also starts with its size: it is at least as
 *         large as the plugin knows it, and a plugin built for a later
 *         minor tests AP_HAS_FIELD before it reads a field appended after
 *         2.0.  A backend that copies such a structure (a per-thread rule
 *         context) copies it with its own type and sets `size` to its own
 *         sizeof (AP_COPY_SIZED), so that a rule reading the copy sees only
 *         what is there;
 *       - no array of a structure that may grow crosses the ABI: the host
 *         hands out arrays of pointers (ap_net.pops, ap_net.projs), and the
 *         host steps through the one array a plugin hands in,
 *         ap_plugin_table.plugins, by the size its elements state.  The
 *         tables of parameters, variables and ports have no size field:
 *         they are fixed for the whole major version.
 *   - sizeof(ap_real) and sizeof(ap_weight) are checked as Lua checks its
 *     numeric types: a plugin built with other types is refused.
 *
 * Errors: every hook that can fail returns an ap_status and takes the
 * buffer for its message as its last two parameters, (char *err, size_t
 * err_size): one sentence naming what is wrong ("tau_m must be > 0, got
 * -1 ms"), without the plugin's name, which the host adds.
 */
#ifndef APICAL_PLUGIN_BASE_H
#define APICAL_PLUGIN_BASE_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AP_ABI_MAJOR 2
#define AP_ABI_MINOR 3

#if defined(__GNUC__)
#define AP_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define AP_PLUGIN_EXPORT
#endif

/* Put before a function with a hot, vectorisable loop: on x86-64 with GNU
 * C and ifunc support, copies for the x86-64-v4 (AVX-512) and x86-64-v3
 * (AVX2 and FMA) levels are built beside the baseline one and the CPU's
 * best is picked at load time.  No copy contracts a multiply and an add
 * into an FMA (contraction is turned off), and the compiler vectorises no
 * sum whose order would change, so every copy computes the same bits.  An
 * explicit fma() is rounded once in every copy: a single instruction in
 * the v3 and v4 copies, the C library's exact routine in the baseline.
 * The copies do not keep floating-point exceptions (no-trapping-math,
 * which changes no value), so that a select between two computed values
 * vectorises with AVX2 too. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && \
    defined(__linux__) && !defined(__SANITIZE_ADDRESS__) &&               \
    !defined(__SANITIZE_THREAD__) && !defined(__cplusplus)
#define AP_VECTOR_CLONES                                                       \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3",           \
                               "default"),                                   \
                 optimize("fp-contract=off", "no-trapping-math")))
#else
#define AP_VECTOR_CLONES
#endif

/* Name of the one symbol a plugin exports. */
#define AP_PLUGIN_ENTRY "ap_plugin_entry"

/* ---------------------------------------------------------------- types */

typedef double ap_real;  /* parameters and state variables */
typedef float ap_weight; /* synaptic weights, in the port's unit */

/* Status codes returned by plugin hooks and by the host API. */
typedef enum ap_status {
  AP_OK = 0,
  AP_EINVAL = 1,  /* invalid argument or parameter value */
  AP_ENOMEM = 2,  /* allocation failed */
  AP_ENOTSUP = 3, /* not supported (by this plugin, backend or chip) */
  AP_EIO = 4,     /* file could not be read or written */
  AP_EPLUGIN = 5, /* plugin missing, malformed or failed */
  AP_ESTATE = 6,  /* call not valid in the current state */
  AP_ESTOPPED = 7 /* the host API only: a run stopped by a signal, after
                     its final snapshot (ap_sim_snapshot_every) */
} ap_status;

typedef enum ap_kind {
  AP_KIND_NEURON = 1,
  AP_KIND_SYNAPSE = 2,
  AP_KIND_RULE = 3,
  AP_KIND_BACKEND = 4
} ap_kind;

/* Whether a structure of size s->size has the (appended) field f. */
#define AP_HAS_FIELD(s, type, f)                                            \
  ((s)->size >= offsetof(type, f) + sizeof(((type *)0)->f))

/* Copy a structure the host handed out (which may be larger than this
 * plugin knows it) into one of the plugin's own, and say how much of it
 * there is. */
#define AP_COPY_SIZED(dst, src)                                             \
  do {                                                                      \
    *(dst) = *(src);                                                        \
    (dst)->size = sizeof *(dst) < (src)->size ? sizeof *(dst) : (src)->size; \
  } while (0)

/* ------------------------------------------------------------ parameters */

typedef enum ap_param_type {
  AP_PT_REAL = 0,   /* one real value per neuron (or per projection) */
  AP_PT_INT = 1,    /* integral value, stored as ap_real */
  AP_PT_LIST = 2,   /* a list of reals per neuron (e.g. spike_times) */
  AP_PT_STRING = 3  /* backend settings only: a string (e.g. chip=loihi) */
} ap_param_type;

/* Range flags: by default [min, max] is closed. */
#define AP_RANGE_MIN_OPEN 0x1u /* value must be > min */
#define AP_RANGE_MAX_OPEN 0x2u /* value must be < max */
/* Also in `range`: a structure parameter (a number of compartments...):
 * given when the population is created, fixed from then on, and passed
 * to the model's shape() (see ap_neuron_desc). */
#define AP_PARAM_STRUCTURE 0x10u

/* One parameter: the same table drives config, Lua, `apical describe`
 * and the docs.  Units follow NEST: ms, mV, pA, nS, pF, Hz; "1" for a
 * dimensionless value. */
typedef struct ap_param_desc {
  const char *name;    /* identifier, [A-Za-z_][A-Za-z0-9_]* */
  const char *unit;    /* never NULL */
  const char *doc;     /* one line, never NULL or empty */
  int type;            /* ap_param_type */
  double def;          /* default (AP_PT_REAL, AP_PT_INT) */
  double min, max;     /* allowed range; -INFINITY / INFINITY for none */
  unsigned range;      /* AP_RANGE_* flags */
  const char *def_str; /* default of an AP_PT_STRING setting */
} ap_param_desc;

/* A state variable: evolves during the run, recordable, snapshotted. */
#define AP_VAR_INTERNAL 0x1u /* bookkeeping (refractory counter...), not
                                listed for recording by default */
typedef struct ap_var_desc {
  const char *name;
  const char *unit;
  const char *doc;
  double def;               /* initial value ... */
  const char *def_from;     /* ... or the value of this parameter (NULL: def) */
  unsigned compartment;     /* index into the neuron's compartments */
  unsigned flags;           /* AP_VAR_* */
} ap_var_desc;

/* An input port of a neuron: projections target it by name. */
typedef enum ap_port_type {
  AP_PORT_CURRENT = 1,     /* weights in pA */
  AP_PORT_CONDUCTANCE = 2, /* weights in nS, must be >= 0 */
  AP_PORT_VOLTAGE = 3      /* weights in mV (delta synapses) */
} ap_port_type;

typedef struct ap_port_desc {
  const char *name;     /* e.g. "ex", "in", "apical" */
  const char *doc;
  int type;             /* ap_port_type */
  unsigned compartment; /* compartment the port feeds */
  int sign;             /* +1: default port of non-negative weights,
                           -1: of negative weights, 0: never a default */
} ap_port_desc;

/* Per-neuron lists (AP_PT_LIST): values of neuron i (population index)
 * are value[offset[i]] .. value[offset[i+1]-1]. */
typedef struct ap_list {
  const size_t *offset; /* n+1 entries */
  const ap_real *value;
} ap_list;

/* ------------------------------------------------------- host services */

/* Counter-based random stream (Philox-4x32-10).  A stream is fully
 * determined by (seed, stream, id, sub): the same draws come out whatever
 * the thread count, process count or call order. */
typedef struct ap_rng {
  uint32_t key[2];
  uint32_t ctr[4];
  uint32_t buf[4];
  unsigned pos;
} ap_rng;

/* The host's sums of the credit learning rules pass down (rule.h). */
typedef struct ap_credit ap_credit;

enum { AP_LOG_ERROR = 0, AP_LOG_WARN = 1, AP_LOG_INFO = 2, AP_LOG_DEBUG = 3 };

/* The host's services.  Every function may be called from any thread at
 * any time (log serialises its lines). */
typedef struct ap_host {
  size_t size;                  /* sizeof(ap_host) of the host */
  unsigned abi_major, abi_minor;
  void (*log)(int level, const char *plugin, const char *fmt, ...);
  /* Random numbers keyed by identity.  `stream` tells purposes apart
   * (a population's stream id, a projection's...), `id` is the object
   * (neuron, synapse), `sub` a further key such as the step. */
  void (*rng_init)(ap_rng *r, uint64_t seed, uint32_t stream, uint64_t id,
                   uint64_t sub);
  uint32_t (*rng_u32)(ap_rng *r);
  double (*rng_uniform)(ap_rng *r);           /* [0, 1) */
  double (*rng_normal)(ap_rng *r);            /* mean 0, sd 1 */
  uint64_t (*rng_poisson)(ap_rng *r, double mean);
  /* Credit passed down between layers of learning rules (see rule.h):
   * add the n terms to presynaptic neuron `pre`'s sum in `to`.  Only
   * from on_phase. */
  void (*credit_add)(ap_credit *to, size_t pre, const double *terms,
                     size_t n);
} ap_host;

/* The bytes a plugin saves and loads with its save/load hooks (see
 * rule.h and backend.h): the host hands a stream to write to, or to read
 * back from, in the order written.  Checkpoints and the moving of work
 * between processes use them, so every piece of state a plugin evolves
 * lives in the host's arrays or behind these hooks. */
typedef struct ap_stream {
  size_t size;                  /* sizeof(ap_stream) of the host */
  void *ctx;
  /* AP_OK, or AP_EIO (write: no room; read: fewer bytes remain) */
  int (*write)(void *ctx, const void *data, size_t n);
  int (*read)(void *ctx, void *data, size_t n);
} ap_stream;

/* ----------------------------------------------------- the entry point */

typedef struct ap_plugin_desc {
  size_t size;                  /* sizeof(ap_plugin_desc) */
  int kind;                     /* ap_kind */
  const char *name;             /* unique across all kinds */
  const char *version;          /* the plugin's own version */
  const char *doc;              /* one line */
  const char *doc_long;         /* equations and references (may be NULL) */
  const void *desc;             /* ap_neuron_desc, ap_synapse_desc, ... */
} ap_plugin_desc;

/* The table the entry point returns.  The host steps through `plugins`
 * by plugins[0].size (every element states the same size), so that a
 * table built for an older minor reads right. */
typedef struct ap_plugin_table {
  uint32_t magic;               /* AP_PLUGIN_MAGIC */
  uint16_t abi_major, abi_minor;
  uint16_t sizeof_real, sizeof_weight;
  size_t size;                  /* sizeof(ap_plugin_table) */
  size_t n;                     /* descriptors in `plugins` */
  const ap_plugin_desc *plugins;
} ap_plugin_table;

#define AP_PLUGIN_MAGIC 0x4150434cu /* "APCL" */

/* Fill the header fields of a plugin table. */
#define AP_PLUGIN_TABLE_INIT(list)                                         \
  { AP_PLUGIN_MAGIC, AP_ABI_MAJOR, AP_ABI_MINOR, sizeof(ap_real),          \
    sizeof(ap_weight), sizeof(ap_plugin_table),                            \
    sizeof(list) / sizeof((list)[0]), (list) }

typedef const ap_plugin_table *(*ap_plugin_entry_fn)(void);

/* Define the entry point of a plugin that carries the descriptors `list`
 * (C linkage, so that a plugin written in C++ exports the same symbol). */
#ifdef __cplusplus
#define AP_PLUGIN_LINKAGE extern "C"
#else
#define AP_PLUGIN_LINKAGE
#endif
#define AP_PLUGIN(list)                                                    \
  static const ap_plugin_table ap_plugin_table_ = AP_PLUGIN_TABLE_INIT(list); \
  AP_PLUGIN_LINKAGE AP_PLUGIN_EXPORT const ap_plugin_table *               \
  ap_plugin_entry(void);                                                   \
  AP_PLUGIN_LINKAGE AP_PLUGIN_EXPORT const ap_plugin_table *               \
  ap_plugin_entry(void) {                                                  \
    return &ap_plugin_table_;                                              \
  }

#ifdef __cplusplus
}
#endif
#endif /* APICAL_PLUGIN_BASE_H */
