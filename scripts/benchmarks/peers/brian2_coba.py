"""COBA (Brette et al. 2007, benchmark 1; Vogels & Abbott 2005) in Brian2,
C++ standalone, with the parameters of apical's scripts/benchmarks/coba.lua.

    python3 brian2_coba.py [n=4000] [T=10000] [threads=1] [build=DIR]

Prints the same closing line as the apical benchmarks; wall_s is the wall
time of the compiled binary (code generation and compilation excluded)."""
import sys
from brian2_common import args, run_standalone

a = args(sys.argv[1:], n=4000, T=10000, threads=1)

def build(b2):
    from brian2 import ms, mV, nS, pF, NeuronGroup, Synapses, SpikeMonitor
    n = int(a["n"])
    ne = int(0.8 * n)
    C, gL = 200 * pF, 10 * nS
    EL, Vt, Vr, Ee, Ei = -60 * mV, -50 * mV, -60 * mV, 0 * mV, -80 * mV
    taue, taui = 5 * ms, 10 * ms
    eqs = """
    dv/dt = (gL*(EL - v) + ge*(Ee - v) + gi*(Ei - v)) / C : volt (unless refractory)
    dge/dt = -ge / taue : siemens
    dgi/dt = -gi / taui : siemens
    """
    ns = dict(C=C, gL=gL, EL=EL, Vt=Vt, Vr=Vr, Ee=Ee, Ei=Ei, taue=taue,
              taui=taui)
    P = NeuronGroup(n, eqs, threshold="v > Vt", reset="v = Vr",
                    refractory=5 * ms, method="euler", namespace=ns)
    P.v = "-65*mV + 5*mV*randn()"
    P.ge = "40*nS + 15*nS*randn()"
    P.gi = "200*nS + 120*nS*randn()"
    p = 80.0 / n
    Ce = Synapses(P, P, on_pre="ge += 6*nS")
    Ci = Synapses(P, P, on_pre="gi += 67*nS")
    Ce.connect("i < ne", p=p)
    Ci.connect("i >= ne", p=p)
    Ce.delay = 0.1 * ms
    Ci.delay = 0.1 * ms
    mon = SpikeMonitor(P)

    return dict(n_rec=ne, objects=(P, Ce, Ci, mon))

run_standalone(build, a)
