/* help.c -- the pages of `apical help TOPIC`.
 *
 * Each page is one section of the manual page docs/apical.1, in plain
 * text; tests/e2e/help.sh checks that every topic here has its section
 * there, so the two cannot drift apart unnoticed. */
#include <string.h>

#include "tools/help.h"
#include "base/strutil.h"

typedef struct page {
  const char *topic;
  const char *summary;
  const char *text;
} page;

static const page pages[] = {
    {"run", "run a Lua experiment script",
     "apical run SCRIPT.lua [options] [--] [words...]\n"
     "\n"
     "Runs the script in embedded Lua 5.4; `require \"apical\"` gives the\n"
     "API (docs/lua-api.md).  Words after the script reach it as ap.args,\n"
     "KEY=VALUE words also as ap.args.KEY.  Options override the config\n"
     "file and the script's ap.setup{}:\n"
     "  --backend NAME     backend to run on: cpu (default), neuromorphic\n"
     "  --threads N        worker threads (0: all cores)\n"
     "  --seed N           random seed\n"
     "  --set KEY=VALUE    any setting (dt, output_dir, plugin_path, ...) or\n"
     "                     a backend setting (chip=loihi)\n"
     "  --config FILE      settings file (see `apical help config`)\n"
     "  --compare BACKEND  run on BACKEND first, output discarded, and\n"
     "                     compare wall time and spikes\n"
     "  -q, --quiet        no run summary or report on standard error\n"
     "  -v, --verbose      plugin messages down to the info level\n"
     "After the run, a summary line (simulated time, wall time, spikes,\n"
     "synaptic events) and, from a backend that keeps one, its report go\n"
     "to standard error.  Exit status: 0, 1 when the script or the run\n"
     "failed, 2 for a bad command line.\n"},
    {"plugins", "list the plugins found",
     "apical plugins [--config FILE] [--set plugin_path=DIRS]\n"
     "\n"
     "Lists every neuron, synapse, learning-rule and backend plugin found,\n"
     "with its file, then the folders searched and each file refused with\n"
     "the reason.  Folders are searched in this order: $APICAL_PLUGIN_PATH,\n"
     "the plugin_path setting, the build tree (when the program runs from\n"
     "it) and the installed plugin folder.\n"},
    {"describe", "print a plugin's documentation and tables",
     "apical describe NAME\n"
     "\n"
     "Prints the plugin's documentation block (description, equations,\n"
     "references), then its tables: parameters with unit, default and\n"
     "range; state variables; compartments and input ports; whether it\n"
     "has a chip form (neurons) or on-chip learning (rules).\n"},
    {"check-plugin", "check a plugin against the ABI and its own tables",
     "apical check-plugin PATH.so|NAME...\n"
     "\n"
     "Loads the plugin (a file, or the file a plugin name comes from) and\n"
     "checks what every author should: descriptor\n"
     "sanity (names, units, ranges, documentation), finite state over a\n"
     "long run at the default parameters, determinism (two runs, the same\n"
     "bits), and that each declared input port changes the state.  Prints\n"
     "one line per check and exits 0 only when none failed.\n"},
    {"plot", "draw what a run saved",
     "apical plot FILE [-o OUT.png|OUT.svg]\n"
     "\n"
     "Draws a file a recorder saved (.csv or .npy): spikes as a raster\n"
     "with the population rate under it, state variables as traces,\n"
     "weights as a histogram or their history.  PNG or SVG by the\n"
     "extension of OUT (default: FILE with .png).  From Lua: ap.plot.\n"},
    {"new-plugin", "start a plugin of your own (SDK)",
     "apical-new-plugin neuron|rule NAME [DIR]\n"
     "\n"
     "Writes a folder with NAME.c (a working model with its parameter\n"
     "table: a leaky integrate-and-fire neuron or additive pair STDP), a\n"
     "Makefile that builds it against the installed headers with\n"
     "`cc -shared -fPIC $(pkg-config --cflags apical) NAME.c -o NAME.so`,\n"
     "an example script and a test against closed forms:\n"
     "  cd NAME && make && make test\n"
     "Load it with APICAL_PLUGIN_PATH=DIR or the plugin_path setting.\n"
     "pkg-config's apical module also gives plugindir, templatedir,\n"
     "chipdir, abi_major and abi_minor.  docs/writing-plugins.md walks\n"
     "through a neuron and a learning rule.\n"},
    {"config", "settings and where they come from",
     "Settings come, lowest precedence first, from built-in defaults, the\n"
     "config file, the script's ap.setup{} and the command line.  The\n"
     "config file (libconfig syntax) is --config FILE, else\n"
     "$APICAL_CONFIG, ./apical.cfg, ~/.config/apical/apical.cfg, then the\n"
     "system one; /dev/null means none.  Core settings: backend,\n"
     "threads, seed, dt (ms), plugin_path, output_dir, fashion_dir,\n"
     "mnist_dir.  A group named after a backend holds its settings:\n"
     "  backend = \"neuromorphic\";\n"
     "  neuromorphic = { chip = \"loihi\"; };\n"
     "docs/config.md lists every setting.\n"},
    {"backends", "cpu and the emulated neuromorphic chips",
     "cpu           the reference: threads (--threads), results\n"
     "              bit-identical for any thread count\n"
     "neuromorphic  the network in a chip's integer arithmetic: --set\n"
     "              chip=loihi|truenorth|spinnaker|FILE.cfg; refuses what\n"
     "              the chip cannot run, reports mapping, quantisation,\n"
     "              energy and chip time (docs/neuromorphic.md)\n"
     "A script runs unchanged on either: --backend NAME.\n"},
    {"environment", "environment variables",
     "APICAL_PLUGIN_PATH  ':'-separated folders searched first for plugins\n"
     "APICAL_CONFIG      the config file (/dev/null: none)\n"
     "APICAL_CHIP_PATH   ':'-separated folders searched for chip profiles\n"
     "XDG_CONFIG_HOME    where the per-user config file is looked for\n"},
};

int ap_help(FILE *out, const char *topic) {
  const size_t n = sizeof pages / sizeof pages[0];
  if (!topic) {
    fputs("apical help TOPIC, where TOPIC is one of:\n", out);
    for (size_t i = 0; i < n; i++)
      fprintf(out, "  %-13s %s\n", pages[i].topic, pages[i].summary);
    fputs("The manual page (man apical) has them all; docs/index.md is the "
          "user guide.\n", out);
    return 0;
  }
  for (size_t i = 0; i < n; i++)
    if (!strcmp(pages[i].topic, topic)) {
      fputs(pages[i].text, out);
      return 0;
    }
  const char *names[sizeof pages / sizeof pages[0]];
  for (size_t i = 0; i < n; i++) names[i] = pages[i].topic;
  const char *close = ap_closest(topic, names, n);
  fprintf(stderr, "apical: no help topic '%s'", topic);
  if (close) fprintf(stderr, " (did you mean '%s'?)", close);
  fputs("; 'apical help' lists them\n", stderr);
  return 1;
}
