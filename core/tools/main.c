/* main.c -- the `apical` program: run Lua experiments, list and describe
 * plugins. */
#include <lauxlib.h>
#include <fcntl.h>
#include <lualib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apical/apical.h"
#include "run/config.h"
#include "tools/conform.h"
#include "tools/describe.h"
#include "tools/help.h"
#include "plugin/host.h"
#include "plugin/loader.h"
#include "plot/plot.h"
#include "lua/lapical.h"
#include "net/sim.h"
#include "base/strutil.h"
#include "dist/dist.h"

static const char usage[] =
    "usage: apical run SCRIPT.lua [options] [--] [script words...]\n"
    "       apical plugins [--config FILE]\n"
    "       apical describe NAME [--config FILE]\n"
    "       apical check-plugin PATH.so|NAME... [--config FILE]\n"
    "       apical plot FILE [-o OUT.png|OUT.svg]\n"
    "       apical help [TOPIC]\n"
    "       apical --version | --help\n"
    "\n"
    "run options (they override the config file and the script's ap.setup):\n"
    "  --backend NAME     backend plugin to run on (default cpu)\n"
    "  --threads N        worker threads (0 = all cores)\n"
    "  --seed N           random seed\n"
    "  --set KEY=VALUE    any setting: dt, output_dir, plugin_path, or a\n"
    "                     backend setting such as chip=loihi\n"
    "  --config FILE      settings file (libconfig); see docs/config.md\n"
    "  --compare BACKEND  run the script on BACKEND (e.g. cpu) first, its\n"
    "                     output discarded, and compare wall time and spikes\n"
    "  --snapshot PATH    write a snapshot to PATH on SIGTERM or SIGINT (then\n"
    "                     stop), and with --snapshot-every MS periodically\n"
    "  --restore PATH     resume the run a snapshot holds (docs/reliability.md)\n"
    "  -q, --quiet        no run summary on standard error\n"
    "  -v, --verbose      plugin log messages down to info level\n"
    "Words after the script (or after --) reach the script as ap.args;\n"
    "KEY=VALUE words are also ap.args.KEY.\n"
    "\n"
    "plot draws a file saved by a recorder or proj:save: spikes as a raster\n"
    "over the population rate, state variables as traces, weights over time\n"
    "or as a histogram; the default output is FILE with .png for extension.\n"
    "\n"
    "Plugins are searched in $APICAL_PLUGIN_PATH, the plugin_path setting\n"
    "(config file or --set), the build tree (when run from it) and\n"
    AP_PLUGIN_DIR ".\n";

typedef struct opts {
  const char *config;
  const char *script;
  const char *compare;
  const char *restore;  /* --restore PATH */
  const char *snapshot; /* --snapshot PATH */
  double snapshot_every; /* --snapshot-every MS (0: on a signal only) */
  int quiet;
  int verbose;
  char **args;
  int n_args;
} opts;

static int die(const char *fmt, const char *a) {
  fprintf(stderr, "apical: ");
  fprintf(stderr, fmt, a);
  fputc('\n', stderr);
  return 2;
}

/* Value of an option given as --opt VALUE or --opt=VALUE. */
static const char *opt_value(int argc, char **argv, int *i, const char *name) {
  size_t n = strlen(name);
  if (argv[*i][n] == '=') return argv[*i] + n + 1;
  if (*i + 1 >= argc) return NULL;
  return argv[++*i];
}

static int is_opt(const char *arg, const char *name) {
  size_t n = strlen(name);
  return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

/* Parse options; settings are collected as KEY, VALUE pairs and applied
 * after the config file has been read, at command-line precedence. */
static int parse(int argc, char **argv, int is_run, opts *o, char ***sets,
                 int *n_sets) {
  *sets = calloc((size_t)argc * 2 + 1, sizeof **sets);
  o->args = calloc((size_t)argc + 1, sizeof *o->args);
  if (!*sets || !o->args) return die("%s", "out of memory");
  int rest = 0;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (rest || a[0] != '-' || a[1] == '\0') {
      if (!rest && is_run && !o->script) o->script = a;
      else o->args[o->n_args++] = argv[i];
      continue;
    }
    if (strcmp(a, "--") == 0) {
      rest = 1;
    } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
      o->quiet = 1;
    } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
      o->verbose = 1;
    } else if (is_opt(a, "--compare")) {
      if (!(o->compare = opt_value(argc, argv, &i, "--compare")))
        return die("%s needs a backend name, such as cpu", "--compare");
    } else if (is_opt(a, "--restore")) {
      if (!(o->restore = opt_value(argc, argv, &i, "--restore")))
        return die("%s needs a snapshot file", "--restore");
    } else if (is_opt(a, "--snapshot")) {
      if (!(o->snapshot = opt_value(argc, argv, &i, "--snapshot")))
        return die("%s needs a file name", "--snapshot");
    } else if (is_opt(a, "--snapshot-every")) {
      const char *v = opt_value(argc, argv, &i, "--snapshot-every");
      char *end = NULL;
      o->snapshot_every = v ? strtod(v, &end) : -1;
      if (!v || end == v || *end || !(o->snapshot_every > 0) ||
          o->snapshot_every > 1e15)
        return die("--snapshot-every needs a positive time in ms, got '%s'",
                   v ? v : "");
    } else if (is_opt(a, "--config")) {
      if (!(o->config = opt_value(argc, argv, &i, "--config")))
        return die("%s needs a file name", "--config");
    } else if (is_opt(a, "--backend") || is_opt(a, "--threads") ||
               is_opt(a, "--seed")) {
      size_t kn = strcspn(a + 2, "=");
      char opt[16];
      ap_fmt(opt, sizeof opt, "--%.*s", (int)kn, a + 2);
      const char *v = opt_value(argc, argv, &i, opt);
      if (!v) return die("option %s needs a value", opt);
      (*sets)[(*n_sets)++] = ap_strdup(opt + 2);
      (*sets)[(*n_sets)++] = ap_strdup(v);
    } else if (is_opt(a, "--set")) {
      const char *kv = opt_value(argc, argv, &i, "--set");
      const char *eq = kv ? strchr(kv, '=') : NULL;
      if (!kv || !eq || eq == kv)
        return die("--set needs KEY=VALUE, got '%s'", kv ? kv : "");
      size_t kn = (size_t)(eq - kv);
      char *key = malloc(kn + 1);
      if (!key) return die("%s", "out of memory");
      memcpy(key, kv, kn);
      key[kn] = '\0';
      (*sets)[(*n_sets)++] = key;
      (*sets)[(*n_sets)++] = ap_strdup(eq + 1);
    } else {
      return die("unknown option '%s' (see apical --help)", a);
    }
  }
  return 0;
}

static void free_sets(char **sets, int n) {
  for (int i = 0; i < n; i++) free(sets[i]);
  free(sets);
}

static void summary(const ap_sim *sim) {
  ap_stats st;
  ap_sim_stats(sim, &st);
  /* real-time factor: wall time per biological time (< 1: faster than
   * real time) */
  double rtf = st.t_ms > 0 ? st.wall_s / (st.t_ms / 1000.0) : 0;
  fprintf(stderr,
          "apical: simulated %.1f ms in %.3f s wall (real-time factor %.3g); "
          "%llu spikes, %llu synaptic events delivered; %llu synapses",
          st.t_ms, st.wall_s, rtf, (unsigned long long)st.spikes,
          (unsigned long long)st.events, (unsigned long long)st.synapses);
  if (st.synapse_bytes > 0)
    fprintf(stderr, " (%.1f bytes per synapse)", st.synapse_bytes);
  fputc('\n', stderr);
}

/* Under mpirun, the message of a failed run, for main to print once. */
static char dist_err[4096];

/* Run the script once on the settings `set`: 0, or the exit code.  A
 * muted run sends the script's standard output to /dev/null and prints
 * no summary or report.  *chip_s gets the chip time of a chip backend's
 * report (else -1). */
static int run_once(ap_registry *reg, ap_settings *set, const opts *o,
                    int mute, int peer, ap_stats *st, double *chip_s) {
  char err[4096];
  int rc = 0, saved = -1;
  memset(st, 0, sizeof *st);
  ap_sim *sim = ap_sim_new(reg, set);
  lua_State *L = luaL_newstate();
  if (!sim || !L) {
    ap_sim_free(sim);
    if (L) lua_close(L);
    return die("%s", "out of memory");
  }
  /* in a run of several processes, rank 0 speaks for all */
  mute = mute || ap_dist_rank() != 0;
  if (mute) {
    fflush(stdout);
    saved = dup(STDOUT_FILENO);
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) {
      dup2(null, STDOUT_FILENO);
      close(null);
    }
  }
  luaL_openlibs(L);
  ap_sim_set_script(sim, o->script);
  ap_lua_install(L, sim, o->n_args, o->args,
                 isatty(STDERR_FILENO) && !o->quiet && !mute);
  fflush(stdout);
  /* snapshots: those of this run, and the one it resumes (checked now,
   * before the script runs); not for the peer run of --compare */
  if (!peer && o->snapshot &&
      ap_sim_snapshot_every(sim, o->snapshot, o->snapshot_every) != AP_OK) {
    ap_fmt(err, sizeof err, "%s", ap_sim_error(sim));
    rc = 1;
  } else if (!peer && o->restore && ap_sim_restore(sim, o->restore) != AP_OK) {
    ap_fmt(err, sizeof err, "--restore %s", ap_sim_error(sim));
    rc = 1;
  } else if (ap_lua_run_file(L, o->script, err, sizeof err) != 0) {
    ap_sim_abort(sim);
    rc = 1;
  } else if (ap_sim_finish(sim) != AP_OK) {
    ap_sim_abort(sim);
    ap_fmt(err, sizeof err, "%s", ap_sim_error(sim));
    rc = 1;
  } else {
    fflush(stdout);
    ap_sim_stats(sim, st);
    if (!o->quiet && !mute) summary(sim);
    ap_report r;
    if (ap_sim_report(sim, &r) == AP_OK) {
      if (!o->quiet && !mute && r.text) fputs(r.text, stderr);
      for (size_t k = 0; chip_s && k < r.n; k++)
        if (!strcmp(r.items[k].key, "time.chip_s")) *chip_s = r.items[k].value;
    }
  }
  lua_close(L);
  ap_sim_free(sim);
  if (mute && saved >= 0) {
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
  }
  if (rc) {
    /* under mpirun main prints it once for the run, after cleaning up */
    if (ap_dist_active()) ap_fmt(dist_err, sizeof dist_err, "%s", err);
    else fprintf(stderr, "apical: %s\n", err);
  }
  return rc;
}

static int command(int argc, char **argv);

/* Join the run's processes first (a build without MPI refuses mpirun
 * here), leave them last. */
int main(int argc, char **argv) {
  char err[512];
  if (ap_dist_init(&argc, &argv, err, sizeof err)) {
    if (ap_dist_rank() == 0) fprintf(stderr, "apical: %s\n", err);
    return 1;
  }
  int rc = command(argc, argv);
  /* a process still in a collective call (a getter called on some
   * processes only) meets this one here and the run ends with a message */
  if (!rc) ap_dist_enter(AP_DIST_OP_FINISH, 0);
  if (rc && ap_dist_active())
    ap_dist_fail(dist_err[0] ? dist_err : "the run failed (above)", rc);
  ap_dist_finalize();
  return rc;
}

static int command(int argc, char **argv) {
  if (argc < 2) {
    fputs(usage, stderr);
    return 2;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
    printf("apical %s (plugin ABI %d.%d)\n", ap_version(), AP_ABI_MAJOR,
           AP_ABI_MINOR);
    return 0;
  }
  if (!strcmp(cmd, "help") && argc > 2) return ap_help(stdout, argv[2]);
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    fputs(usage, stdout);
    fputc('\n', stdout);
    ap_help(stdout, NULL);
    return 0;
  }
  if (!strcmp(cmd, "plot")) return ap_plot_command(argc - 2, argv + 2);
  int is_run = !strcmp(cmd, "run"), is_list = !strcmp(cmd, "plugins"),
      is_desc = !strcmp(cmd, "describe"),
      is_check = !strcmp(cmd, "check-plugin");
  if (!is_run && !is_list && !is_desc && !is_check)
    return die("unknown command '%s' (see apical --help)", cmd);

  opts o = {0};
  char **sets = NULL;
  int n_sets = 0, rc = 0;
  if ((rc = parse(argc, argv, is_run, &o, &sets, &n_sets))) {
    free_sets(sets, n_sets);
    free(o.args);
    return rc;
  }
  if (o.verbose) ap_host_set_log_level(AP_LOG_INFO);
  if (o.snapshot_every > 0 && !o.snapshot) {
    free_sets(sets, n_sets);
    free(o.args);
    return die("%s needs --snapshot PATH", "--snapshot-every");
  }

  ap_settings set;
  char err[4096], path[4096];
  if (ap_settings_init(&set)) return die("%s", "out of memory");
  int found = ap_settings_find(o.config, path, sizeof path, err, sizeof err);
  if (found < 0 ||
      (found > 0 && ap_settings_load(&set, path, err, sizeof err))) {
    fprintf(stderr, "apical: %s\n", err);
    rc = 1;
    goto out_settings;
  }
  for (int i = 0; i < n_sets; i += 2)
    if (ap_settings_set(&set, sets[i], sets[i + 1], AP_SRC_CLI, err,
                        sizeof err)) {
      fprintf(stderr, "apical: command line: %s\n", err);
      rc = 2;
      goto out_settings;
    }

  ap_registry *reg = ap_registry_new();
  if (!reg) {
    rc = die("%s", "out of memory");
    goto out_settings;
  }
  ap_registry_scan_default(reg, set.plugin_path);

  if (is_list) {
    ap_describe_list(stdout, reg);
    goto out_reg;
  }
  if (is_check) {
    rc = ap_check_plugin_command(reg, o.n_args, o.args, stdout);
    goto out_reg;
  }
  if (is_desc) {
    if (o.n_args != 1) {
      rc = die("%s", "usage: apical describe NAME");
      goto out_reg;
    }
    const ap_plugin *p = ap_registry_find(reg, o.args[0]);
    if (!p) {
      size_t n = ap_registry_count(reg);
      const char **names = calloc(n ? n : 1, sizeof *names);
      for (size_t i = 0; names && i < n; i++)
        names[i] = ap_registry_at(reg, i)->name;
      const char *close = names ? ap_closest(o.args[0], names, n) : NULL;
      fprintf(stderr, "apical: no plugin named '%s'", o.args[0]);
      if (close) fprintf(stderr, " (did you mean '%s'?)", close);
      fprintf(stderr, "; 'apical plugins' lists them all\n");
      free(names);
      rc = 1;
      goto out_reg;
    }
    ap_describe_plugin(stdout, p);
    goto out_reg;
  }

  if (!o.script) {
    rc = die("%s", "run needs a script: apical run SCRIPT.lua");
    goto out_reg;
  }
  if (access(o.script, R_OK) != 0) {
    fprintf(stderr, "apical: cannot read script '%s'\n", o.script);
    rc = 1;
    goto out_reg;
  }
  ap_stats peer_st = {0};
  if (o.compare) {
    /* the peer run first: its files are then overwritten by this run's */
    ap_settings peer;
    if (ap_settings_init(&peer)) {
      rc = die("%s", "out of memory");
      goto out_reg;
    }
    int bad = found > 0 && ap_settings_load(&peer, path, err, sizeof err);
    for (int i = 0; !bad && i < n_sets; i += 2)
      bad = ap_settings_set(&peer, sets[i], sets[i + 1], AP_SRC_CLI, err,
                            sizeof err) != 0;
    ap_settings_drop_extras(&peer, o.compare);
    if (!bad)
      bad = ap_settings_set(&peer, "backend", o.compare, AP_SRC_CLI, err,
                            sizeof err) != 0;
    if (bad) {
      fprintf(stderr, "apical: --compare: %s\n", err);
      ap_settings_free(&peer);
      rc = 1;
      goto out_reg;
    }
    rc = run_once(reg, &peer, &o, 1, 1, &peer_st, NULL);
    ap_settings_free(&peer);
    if (rc) {
      fprintf(stderr, "apical: --compare %s: the run on %s failed (above)\n",
              o.compare, o.compare);
      goto out_reg;
    }
  }
  ap_stats st;
  double chip_s = -1;
  if (o.snapshot) { /* a final snapshot, then the run stops */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = ap_sim_signal_stop;
    sa.sa_flags = SA_RESETHAND; /* a second signal ends it at once */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
  }
  rc = run_once(reg, &set, &o, 0, 0, &st, &chip_s);
  if (!rc && o.compare) {
    fprintf(stderr,
            "compare: %s ran the script in %.4g s wall (%llu spikes); %s in "
            "%.4g s wall (%llu spikes)", o.compare, peer_st.wall_s,
            (unsigned long long)peer_st.spikes, set.backend, st.wall_s,
            (unsigned long long)st.spikes);
    if (chip_s >= 0)
      fprintf(stderr, "; the chip would take %.4g s, %.3g times the %s's "
              "wall time", chip_s,
              peer_st.wall_s > 0 ? chip_s / peer_st.wall_s : 0.0, o.compare);
    fputc('\n', stderr);
  }
out_reg:
  ap_registry_free(reg);
out_settings:
  ap_settings_free(&set);
  free_sets(sets, n_sets);
  free(o.args);
  return rc;
}
