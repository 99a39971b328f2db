-- Shared closing line of the benchmarks: one line of key=value pairs that
-- scripts/benchmarks/compare reads.
local ap = require "apical"
local M = {}

function M.line()
  local st = ap.stats()
  local bio = st.t_ms / 1000
  print(string.format(
    "wall_s=%.4f bio_s=%.3f rtf=%.4f events_per_s=%.4g bytes_per_synapse=%.2f peak_rss_mb=%.1f",
    st.wall_s, bio, bio > 0 and st.wall_s / bio or 0,
    st.wall_s > 0 and st.events / st.wall_s or 0, st.bytes_per_synapse, st.peak_rss_mb))
end

return M
