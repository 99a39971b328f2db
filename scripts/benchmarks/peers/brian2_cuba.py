"""CUBA (Brette et al. 2007, benchmark 2; Vogels & Abbott 2005) in Brian2,
C++ standalone, as Brian's CUBA example writes it (currents as voltages
ge, gi in mV), with the parameters of apical's scripts/benchmarks/cuba.lua.

    python3 brian2_cuba.py [n=4000] [T=10000] [threads=1] [build=DIR]

Prints the same closing line as the apical benchmarks; wall_s is the wall
time of the compiled binary (code generation and compilation excluded)."""
import sys
from brian2_common import args, run_standalone

a = args(sys.argv[1:], n=4000, T=10000, threads=1)


def build(b2):
    from brian2 import ms, mV, NeuronGroup, Synapses, SpikeMonitor
    n = int(a["n"])
    ne = int(0.8 * n)
    ns = dict(taum=20 * ms, taue=5 * ms, taui=10 * ms, Vt=-50 * mV,
              Vr=-60 * mV, El=-49 * mV)
    eqs = """
    dv/dt = (ge + gi - (v - El)) / taum : volt (unless refractory)
    dge/dt = -ge / taue : volt
    dgi/dt = -gi / taui : volt
    """
    P = NeuronGroup(n, eqs, threshold="v > Vt", reset="v = Vr",
                    refractory=5 * ms, method="exact", namespace=ns)
    P.v = "Vr + rand() * (Vt - Vr)"
    p = 80.0 / n
    # 1.62 mV and -9 mV: 16.2 pA and -90 pA through g_L = 10 nS
    Ce = Synapses(P, P, on_pre="ge += 1.62*mV")
    Ci = Synapses(P, P, on_pre="gi -= 9*mV")
    Ce.connect("i < ne", p=p)
    Ci.connect("i >= ne", p=p)
    Ce.delay = 0.1 * ms
    Ci.delay = 0.1 * ms
    mon = SpikeMonitor(P)

    return dict(n_rec=ne, objects=(P, Ce, Ci, mon))


run_standalone(build, a)
