"""Shared harness of the Brian2 peers: a C++ standalone project generated
and compiled once per parameter set (not timed), then its binary run and
timed on its own, reporting apical's closing line."""
import glob
import json
import os
import sys
import tempfile
import time


def args(argv, **defaults):
    """key=value words, with defaults."""
    a = {k: str(v) for k, v in defaults.items()}
    for word in argv:
        if "=" not in word:
            sys.exit(f"usage: key=value words, got '{word}'")
        k, v = word.split("=", 1)
        a[k] = v
    return a


def _generate(build, a, directory):
    import brian2 as b2
    from brian2 import ms, set_device, prefs, defaultclock

    set_device("cpp_standalone", directory=directory, build_on_run=False)
    threads = int(a["threads"])
    prefs.devices.cpp_standalone.openmp_threads = threads if threads > 1 else 0
    prefs.logging.console_log_level = "WARNING"
    defaultclock.dt = 0.1 * ms
    b2.seed(int(a.get("seed", "1")))
    net = build(b2)
    b2.Network(*net["objects"]).run(float(a["T"]) * ms)
    b2.get_device().build(directory=directory, compile=True, run=False)
    # What the timed runs need without Python objects: the neurons whose
    # rate is reported.
    with open(os.path.join(directory, "params.json"), "w") as f:
        json.dump(dict(a, n_rec=net["n_rec"]), f)


def run_standalone(build, a):
    import numpy as np

    directory = a.get("build") or tempfile.mkdtemp(prefix="brian2_")
    want = {k: v for k, v in a.items() if k != "build"}
    have = None
    try:
        with open(os.path.join(directory, "params.json")) as f:
            have = json.load(f)
            n_rec = have.pop("n_rec")
            have.pop("build", None)
    except (OSError, ValueError, KeyError):
        pass
    if have != want or not os.path.exists(os.path.join(directory, "main")):
        _generate(build, a, directory)
        with open(os.path.join(directory, "params.json")) as f:
            n_rec = json.load(f)["n_rec"]

    # The compiled binary, run from its folder as Brian2 runs it, under
    # GNU time for its own peak memory (a child of this process would
    # inherit this process's high-water mark).
    out = os.path.join(directory, "time.txt")
    start = time.perf_counter()
    status = os.spawnv(os.P_WAIT, "/usr/bin/time",
                       ["time", "-f", "%M", "-o", out, "sh", "-c",
                        'cd "$0" && exec ./main', directory])
    wall = time.perf_counter() - start
    if status != 0:
        sys.exit(f"brian2 binary failed with status {status}")
    with open(out) as f:
        peak_kb = float(f.read().split()[-1])

    count_file = glob.glob(os.path.join(directory, "results",
                                        "_array_spikemonitor_count_*"))[0]
    counts = np.fromfile(count_file, dtype=np.int32).astype(np.int64)
    # Out-degrees from the synapses the binary built: events delivered =
    # sum over neurons of spikes x out-degree.
    outdeg = np.zeros(len(counts), dtype=np.int64)
    for f in glob.glob(os.path.join(directory, "results",
                                    "_dynamic_array_synapses*__synaptic_pre_*")):
        pre = np.fromfile(f, dtype=np.int32)
        outdeg += np.bincount(pre, minlength=len(counts))
    events = int((counts * outdeg).sum())
    bio = float(a["T"]) / 1000.0
    print(f"exc rate {counts[:n_rec].sum() / n_rec / bio:.2f} Hz")
    print(f"wall_s={wall:.4f} bio_s={bio:.3f} rtf={wall / bio:.4f} "
          f"events_per_s={events / wall:.4g} bytes_per_synapse=nan "
          f"peak_rss_mb={peak_kb / 1024.0:.1f}")
