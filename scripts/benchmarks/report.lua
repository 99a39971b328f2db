-- Shared closing line of the benchmarks: one line of key=value pairs that
-- scripts/benchmarks/compare and scripts/benchmarks/distributed read.
-- wall_s is the simulation's wall time, build_s the rest of the process
-- so far (building the network), peak_rss_mb the largest process's peak
-- memory; a run of several processes adds procs, each process's peak,
-- and rank 0's time in the spike exchange (waiting for the others
-- included), the bytes it received there, the number of exchanges, the
-- spikes that travelled and the populations whose spikes travel.
local ap = require "apical"
local M = {}

function M.line()
  local st = ap.stats()
  local rep = ap.report()
  local bio = st.t_ms / 1000
  local peak = 0
  local each = st.peak_rss_mb_procs or { st.peak_rss_mb }
  for _, m in ipairs(each) do peak = math.max(peak, m) end
  local extra = ""
  if ap.size and ap.size() > 1 then
    local x = rep and rep.exchange or {}
    local procs = {}
    for i, m in ipairs(each) do procs[i] = string.format("%.1f", m) end
    extra = string.format(" procs=%d peak_rss_mb_procs=%s exchange_s=%.4f exchange_bytes=%.0f exchanges=%d exchange_spikes=%d exchange_pops=%d",
      ap.size(), table.concat(procs, ","), x.seconds or 0, x.bytes or 0, x.count or 0,
      x.spikes or 0, x.populations or 0)
  end
  print(string.format(
    "wall_s=%.4f bio_s=%.3f rtf=%.4f events_per_s=%.4g bytes_per_synapse=%.2f peak_rss_mb=%.1f build_s=%.3f spikes=%d events=%d synapses=%d%s",
    st.wall_s, bio, bio > 0 and st.wall_s / bio or 0,
    st.wall_s > 0 and st.events / st.wall_s or 0, st.bytes_per_synapse, peak,
    (st.elapsed_s or st.wall_s) - st.wall_s, st.spikes, st.events, st.synapses, extra))
end

return M
