"""Brunel (2000) model A with additive STDP on the excitatory-to-excitatory
synapses (or static ones) in Brian2, C++ standalone, with the parameters
of apical's scripts/benchmarks/brunel_stdp.lua.

    python3 brian2_brunel_stdp.py [stdp=1] [T=1000] [threads=1] [build=DIR]

12,500 integrate-and-fire neurons with delta synapses (10,000 excitatory,
2,500 inhibitory), J = 0.1 mV, g = 5, delay 1.5 ms, t_ref 2 ms, V_reset
10 mV, theta 20 mV, tau_m 20 ms; the external input as Brian's
PoissonInput (C_E = 1000 sources at eta = 2 times the threshold rate,
the binomial draw per step that apical's Poisson population also adds);
connections with probability 0.1 (Brian's idiom; apical draws a fixed
in-degree of 1000 + 250).  STDP as apical's stdp with mu = 0: traces of
20 ms, depression lambda alpha Wmax Apost at a presynaptic spike,
potentiation lambda Wmax Apre at a postsynaptic spike, lambda 0.001,
alpha 1, Wmax 3 J, the weight clipped to [0, Wmax].  Prints the same
closing line as the apical benchmarks; wall_s is the wall time of the
compiled binary (code generation and compilation excluded)."""
import sys
from brian2_common import args, run_standalone

a = args(sys.argv[1:], n=12500, T=1000, threads=1, stdp=1)


def build(b2):
    from brian2 import (ms, mV, Hz, NeuronGroup, Synapses, SpikeMonitor,
                        PoissonInput)
    NE, NI, CE = 10000, 2500, 1000
    J, g, eta, theta, tau = 0.1 * mV, 5.0, 2.0, 20 * mV, 20 * ms
    nu_th = theta / (J * CE * tau)
    P = NeuronGroup(NE + NI, "dv/dt = -v / tau : volt (unless refractory)",
                    threshold="v > theta", reset="v = 10*mV",
                    refractory=2 * ms, method="exact",
                    namespace=dict(tau=tau, theta=theta))
    P.v = "rand() * theta"
    ext = PoissonInput(P, "v", N=CE, rate=eta * nu_th, weight=J)
    exc, inh = P[:NE], P[NE:]
    ns = dict(J=J, lam=0.001, alpha=1.0, wmax=3 * J, taupre=20 * ms,
              taupost=20 * ms)
    if int(a["stdp"]):
        ee = Synapses(exc, exc, """
            w : volt
            dapre/dt = -apre / taupre : 1 (event-driven)
            dapost/dt = -apost / taupost : 1 (event-driven)
            """, on_pre="""
            w = clip(w - lam * alpha * wmax * apost, 0*mV, wmax)
            apre += 1
            v_post += w
            """, on_post="""
            w = clip(w + lam * wmax * apre, 0*mV, wmax)
            apost += 1
            """, namespace=ns)
    else:
        ee = Synapses(exc, exc, "w : volt", on_pre="v_post += w")
    ee.connect(p=0.1)
    ee.w = J
    ei = Synapses(exc, inh, on_pre="v_post += J", namespace=ns)
    ei.connect(p=0.1)
    ii = Synapses(inh, P, on_pre="v_post -= g * J",
                  namespace=dict(J=J, g=g))
    ii.connect(p=0.1)
    for s in (ee, ei, ii):
        s.delay = 1.5 * ms
    mon = SpikeMonitor(P)
    return dict(n_rec=NE, objects=(P, ext, ee, ei, ii, mon))


run_standalone(build, a)
