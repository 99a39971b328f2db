-- Deep learning with segregated dendrites (Guerguiev, Lillicrap & Richards
-- 2017, eLife 6:e22901): a network of segregated_dendrite neurons learns
-- to classify MNIST (or Fashion-MNIST) images with local rules and no
-- back-propagation.  By default the model is the authors' spiking one
-- (deep_learning.py at commit 5aab52d of jordan-g/Segregated-Dendrite-
-- Deep-Learning, nonspiking_mode = False); docs/experiments.md lists
-- every difference that remains, with its measured effect.
--
-- Each image drives 784 Poisson neurons (lambda_max = 200 Hz at full
-- intensity: pixel/255 x 0.2 spikes per 1 ms step).  One or more hidden
-- layers of segregated_dendrite neurons (layer 0) receive it on their
-- basal dendrites; 10 output neurons (layer 1) receive the last hidden
-- layer; the output spikes feed back to every hidden layer's apical
-- dendrites through fixed weights Y.  Each training example runs two
-- phases of the core's scheduler: "forward" (input only) and "target"
-- (the output neuron of the label gets g_E = 1, the others g_I = 1), each
-- 50 ms plus floor(Wald(2, 1)) ms, averaged over their last 20 ms.  The
-- learning rule updates the weights at the end of the target phase.  A
-- test shows each image for 250 ms from a cleared state and answers with
-- the output neuron of the highest mean somatic potential from 30 ms on.
--
--   apical run guerguiev2017.lua [data=mnist|fashion] [layers=500]
--       [rule=guerguiev|backprop|feedback_alignment]
--       [feedback=random|sparse|symmetric|learned] [epochs=10]
--       [train=60000] [test=10000] [eta=0.21[,0.21...]] [b_eta=0.01]
--       [seed=1] [test0=0] [out=guerguiev2017.csv] [plot=1]
--       [save=FILE] [resume=FILE] [final_tests=0] [angle_out=FILE]
--       [angle_epochs=10]
--     model options (defaults: the authors'):
--       [psp_memory=10] [soma=euler|exact] [window=last20|from30]
--       [test_reset=1] [feedback_bias=0]
--
-- layers: hidden layer sizes separated by commas ("500", "500,100"), or
-- 0 for none (784-10).  eta: the learning rate of every layer, or one per
-- layer from the lowest to the output (the authors' f_etas).  feedback: Y
-- uniform at random (random), with 80 % of it zeroed and the rest times 5
-- (sparse), the transposed output weights kept so (symmetric, one hidden
-- layer), or random and learned by the guerguiev rule with rate b_eta
-- (learned).  train and test take the first images of a fresh shuffle
-- (train) or of the test set (test), for quick runs.
--
-- psp_memory (ms): the neurons' and the rule's spike memory (0: the whole
-- kernel); soma: the somata stepped by forward Euler or integrated
-- exactly; window: averages over the last 20 ms of each training phase
-- (the authors' 20-slot rings) or from 30 ms to its end; test_reset: the
-- neurons' state cleared before each test image (the authors' test);
-- feedback_bias: an apical bias c = Y r as in the authors' code (the paper
-- has none), learned with Y when feedback=learned.
--
-- After each epoch it prints
--   epoch=<n> train_error=<percent> test_error=<percent>
-- (train_error: the forward-phase answers during the epoch, as the
-- authors count it; test0=1 first prints epoch=0 test_error=<percent>,
-- the untrained network's), then a line with the mean angle between the
-- hidden layer's update and the one backprop would make and the mean
-- ratio of their lengths (backprop's over the rule's; guerguiev only)
-- and the wall time, and rewrites the learning curves to `out` (CSV) and
-- their plot beside it (`out` with .png; plot=0: none).
--
-- save=FILE writes a checkpoint after every epoch (weights, biases,
-- feedback weights, the epoch, the clock, the curves so far); resume=FILE
-- continues from one, with the same numbers as a run never interrupted
-- (each epoch's random state is a function of the seed and the epoch, and
-- the network ends every epoch quiet and cleared).  final_tests=N tests
-- the final weights N more times and prints
--   final_tests=N mean=<percent> min=<percent> max=<percent>
-- angle_out=FILE writes the angle averaged over a sliding window of the
-- last 100 examples, every 100 examples of the first angle_epochs epochs.
local ap = require "apical"
local A = ap.args
local data = A.data or "mnist"
local rule = A.rule or "guerguiev"
local feedback = A.feedback or "random"
local epochs = tonumber(A.epochs or "10")
local n_train = tonumber(A.train or "60000")
local n_test = tonumber(A.test or "10000")
local b_eta = tonumber(A.b_eta or "0.01")
local seed = tonumber(A.seed or "1")
local out_csv = A.out or "guerguiev2017.csv"
local out_png = A.plot ~= "0" and out_csv:gsub("%.[Cc][Ss][Vv]$", "") .. ".png"
local test_ms = tonumber(A.test_phase or "250")
local psp_memory = tonumber(A.psp_memory or "10")
local soma = A.soma or "euler"
local window = A.window or "last20"
local phase_min = tonumber(A.phase or "50")
local mode = A.mode or "spiking"
local test_reset = (A.test_reset or "1") ~= "0"
local feedback_bias = (A.feedback_bias or "0") ~= "0"
local final_tests = tonumber(A.final_tests or "0")
local angle_epochs = tonumber(A.angle_epochs or "10")

local function usage(msg) error("guerguiev2017.lua: " .. msg, 0) end
if data ~= "fashion" and data ~= "mnist" then
  usage("data must be fashion or mnist, got " .. data)
end
if rule ~= "guerguiev" and rule ~= "backprop" and rule ~= "feedback_alignment" then
  usage("rule must be guerguiev, backprop or feedback_alignment, got " .. rule)
end
if feedback ~= "random" and feedback ~= "sparse" and feedback ~= "symmetric"
   and feedback ~= "learned" then
  usage("feedback must be random, sparse, symmetric or learned, got " .. feedback)
end
if feedback == "learned" and rule ~= "guerguiev" then
  usage("feedback=learned goes with rule=guerguiev")
end
if soma ~= "euler" and soma ~= "exact" then
  usage("soma must be euler or exact, got " .. soma)
end
local window_last = tonumber(window:match("^last(%d+)$"))
if window ~= "from30" and not (window_last and window_last >= 1) then
  usage("window must be lastN (N ms, N >= 1) or from30, got " .. window)
end
if not (phase_min and phase_min >= 1 and phase_min % 1 == 0) then
  usage("phase must be a whole number of ms >= 1")
end
if window_last and window_last > phase_min then
  usage(string.format("window=%s is longer than the shortest phase (phase=%g)",
                      window, phase_min))
end
if mode ~= "spiking" and mode ~= "nonspiking" then
  usage("mode must be spiking or nonspiking, got " .. mode)
end
if mode == "nonspiking" and (rule ~= "guerguiev" or feedback == "learned" or
                             feedback == "symmetric") then
  usage("mode=nonspiking runs rule=guerguiev with random or sparse feedback")
end
local hidden_sizes = {}
for w in (A.layers or "500"):gmatch("[^,]+") do
  local n = tonumber(w)
  if not n or n < 0 or n % 1 ~= 0 then usage("layers: bad size '" .. w .. "'") end
  if n > 0 then hidden_sizes[#hidden_sizes + 1] = n end
end
if feedback == "symmetric" and #hidden_sizes ~= 1 then
  usage("feedback=symmetric needs exactly one hidden layer")
end
if not (epochs and epochs >= 1 and n_train and n_train >= 1 and n_test and n_test >= 1) then
  usage("epochs, train and test must be positive numbers")
end
if not (psp_memory and psp_memory >= 0) then
  usage("psp_memory must be a number of ms >= 0")
end
if not (final_tests and final_tests >= 0 and final_tests % 1 == 0) then
  usage("final_tests must be a whole number >= 0")
end
local n_layers = #hidden_sizes + 1
local etas = {}
for w in (A.eta or "0.21"):gmatch("[^,]+") do
  local e = tonumber(w)
  if not e or e < 0 then usage("eta: bad learning rate '" .. w .. "'") end
  etas[#etas + 1] = e
end
if #etas == 1 then for m = 2, n_layers do etas[m] = etas[1] end end
if #etas ~= n_layers then
  usage(string.format("eta: give one rate or %d (one per layer), got %d",
                      n_layers, #etas))
end

ap.setup{ dt = 1.0, seed = seed }
math.randomseed(seed)

local train_set = ap.dataset(data, "train")
local test_set = ap.dataset(data, "test")
n_train = math.min(n_train, #train_set)
n_test = math.min(n_test, #test_set)
local n_in = train_set:rows() * train_set:cols()
local lambda_max = 200                 -- Hz
local phi_max = lambda_max * 1e-3      -- spikes per 1 ms step

-- Initial weights as the authors' "weight optimisation": W uniform with
-- the mean and spread that put the somatic potentials near mean 3, sd 3
-- for an input of the expected statistics, biases near 0.8.
local function init_stats(N)
  local V_avg, V_sd, b_avg = 3, 3, 0.8
  local nu = phi_max * 0.25
  local V_sm = V_sd ^ 2 + V_avg ^ 2
  local W_avg = (V_avg - b_avg) / (nu * N * V_avg)
  local W_sm = (V_sm + nu ^ 2 * (N - N ^ 2) * W_avg ^ 2 * V_avg ^ 2
                - 2 * N * nu * b_avg * V_avg * W_avg - b_avg ^ 2) / (N * nu ^ 2 * V_sm)
  return W_avg, math.sqrt(W_sm - W_avg ^ 2)
end
local half = 3.465 / 2                 -- uniform of sd s spans +-1.7325 s
local function bias() return ap.uniform(0.8 - half * 0.001, 0.8 + half * 0.001) end

local input = ap.population("poisson", n_in, { rate = 0 })
local hidden, sizes = {}, {}
for m, n in ipairs(hidden_sizes) do
  hidden[m] = ap.population("segregated_dendrite", n,
    { layer = 0, psp_memory = psp_memory, b = bias() })
  sizes[m] = n
end
local output = ap.population("segregated_dendrite", 10,
  { layer = 1, psp_memory = psp_memory, b = bias() })
local layers = {}
for m = 1, #hidden do layers[m] = hidden[m] end
layers[#layers + 1] = output
for _, l in ipairs(layers) do l:set{ soma_euler = soma == "euler" and 1 or 0 } end

-- Forward projections, in forward order (the rules' phase ends then run
-- from the output down, and credit flows the same way).
local forward, W_sd = {}, {}
local below, N = input, n_in
for m, post in ipairs(layers) do
  local avg, sd = init_stats(N)
  W_sd[m] = sd
  local learn = { rule, eta = etas[m] }
  if rule == "feedback_alignment" then
    learn.B_sd = sd
    if feedback == "sparse" then learn.B_sparse = 0.8 end
  end
  forward[m] = ap.connect(below, post, "all_to_all",
    { weight = ap.uniform(avg - half * sd, avg + half * sd), port = "basal",
      delay = 1.0, learning = learn })
  below, N = post, #post
end

-- Feedback to every hidden layer from the output (the authors'
-- "broadcast"): Y^(M-1) = I, Y^(m-1) = R^m Y^m with R^m uniform of the
-- spread of W^m; with feedback_bias, the apical bias c = Y r with r of
-- the same spread (the authors' code; the paper uses no feedback bias).
local function uniform_matrix(rows, cols, sd)
  local M = {}
  for i = 1, rows do
    local r = {}
    for k = 1, cols do r[k] = 2 * half * sd * (math.random() - 0.5) end
    M[i] = r
  end
  return M
end
local function matmul(X, Y)
  local Z = {}
  for i = 1, #X do
    local z = {}
    for k = 1, #Y[1] do
      local s = 0
      for j = 1, #Y do s = s + X[i][j] * Y[j][k] end
      z[k] = s
    end
    Z[i] = z
  end
  return Z
end
local Y, c = {}, {}
do
  local above = nil -- Y of the layer above (10 x 10 identity at the top)
  for m = #hidden, 1, -1 do
    local R = uniform_matrix(sizes[m], (m == #hidden) and 10 or sizes[m + 1], W_sd[m + 1])
    Y[m] = above and matmul(R, above) or R
    above = Y[m]
    local r = uniform_matrix(10, 1, W_sd[m + 1])
    c[m] = {}
    for i = 1, sizes[m] do c[m][i] = matmul({ Y[m][i] }, r)[1][1] end
  end
end
local feedback_proj = {}
for m = 1, #hidden do
  local Ym = Y[m]
  if feedback == "sparse" then
    -- 80 % of the entries (chosen at random) zeroed, the rest times 5
    local cells = {}
    for i = 1, #Ym do for k = 1, 10 do cells[#cells + 1] = { i, k } end end
    for a = #cells, 2, -1 do
      local b = math.random(a)
      cells[a], cells[b] = cells[b], cells[a]
    end
    for a = 1, #cells do
      local i, k = cells[a][1], cells[a][2]
      Ym[i][k] = a <= math.floor(0.8 * #cells) and 0 or 5 * Ym[i][k]
    end
  end
  -- pairs() order of all_to_all: by presynaptic (output) neuron, then
  -- postsynaptic (hidden) neuron
  local w = {}
  for k = 1, 10 do for i = 1, sizes[m] do w[#w + 1] = Ym[i][k] end end
  if feedback_bias then hidden[m]:set{ c = c[m] } end
  feedback_proj[m] = ap.connect(output, hidden[m], "all_to_all",
    { weight = w, port = "apical", delay = 1.0,
      learning = feedback == "learned" and
        { "guerguiev", eta = b_eta, learn_bias = feedback_bias and 1 or 0 } or nil })
end
if feedback == "symmetric" then feedback_proj[1]:mirror(forward[#forward]) end

-- Phase lengths: 50 ms plus floor(Wald(mean 2, scale 1)) ms, as the
-- authors draw them (numpy.random.wald; Michael, Schucany & Haas 1976).
local function normal()
  local u1, u2 = 1 - math.random(), math.random()
  return math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)
end
local function wald(mu, lam)
  local v = normal()
  local y = v * v
  local x = mu + mu * mu * y / (2 * lam)
            - mu / (2 * lam) * math.sqrt(4 * mu * lam * y + mu * mu * y * y)
  if math.random() <= mu / (mu + x) then return x end
  return mu * mu / x
end
local function phase_ms() return phase_min + math.floor(wald(2, 1)) end
-- The window of a training phase: its last N ms, or from 30 ms on.
local function window_of(len) return window_last and len - window_last or 30 end

-- The epoch's order of the training images, from a generator seeded with
-- (seed, epoch), which the epoch's phase lengths then go on drawing from:
-- a resumed run makes the same shuffle and phases.
local function epoch_order(epoch)
  math.randomseed(seed, epoch)
  local order = {}
  for i = 1, #train_set do order[i] = i end
  for a = #order, 2, -1 do
    local b = math.random(a)
    order[a], order[b] = order[b], order[a]
  end
  return order
end

local function answer()
  local s = output:get("sum_U")
  local best, k = -math.huge, 0
  for i = 1, 10 do if s[i] > best then best, k = s[i], i - 1 end end
  return k
end

-- The position a snapshot may interrupt (ap.keep; see the end): st.ex
-- holds the example under way, st.ti and st.wrong the test under way.
local st

local g_E, g_I = {}, {}
local function train_example(ds, i)
  local ex = st.ex
  if not ex then -- (a resumed run takes the example back where it stopped)
    input:set{ rate = ds:image(i, lambda_max) }
    ex = { lf = phase_ms() }
    st.ex = ex
  end
  local label = ds:label(i)
  if not ex.lt then
    ap.phase("forward", ex.lf, { window = window_of(ex.lf) })
    ex.correct = answer() == label
    for k = 1, 10 do
      g_E[k] = (k - 1 == label) and 1 or 0
      g_I[k] = 1 - g_E[k]
    end
    output:set{ g_E = g_E, g_I = g_I }
    ex.lt = phase_ms()
  end
  ap.phase("target", ex.lt, { window = window_of(ex.lt) })
  output:set{ g_E = 0, g_I = 0 }
  st.ex = nil
  return ex.correct
end

-- The angle between the hidden layer's error vector and backprop's (the
-- layer just below the output), in degrees, and the ratio of their
-- lengths (backprop's over the rule's).
local function angle()
  if rule ~= "guerguiev" or #hidden == 0 then return nil end
  local E = forward[#hidden]:rule_var("E")
  local B = forward[#hidden]:rule_var("E_bp")
  local d, a, b = 0, 0, 0
  for i = 1, #E do
    d = d + E[i] * B[i]
    a = a + E[i] * E[i]
    b = b + B[i] * B[i]
  end
  if a == 0 or b == 0 then return nil end
  return math.deg(math.acos(math.max(-1, math.min(1, d / math.sqrt(a * b))))),
         math.sqrt(b / a)
end

local function reset_all()
  input:reset()
  for _, l in ipairs(layers) do l:reset() end
end

local function test_error()
  st.ti, st.wrong = st.ti or 1, st.wrong or 0
  while st.ti <= n_test do
    local i = st.ti
    if test_reset then reset_all() end
    input:set{ rate = test_set:image(i, lambda_max) }
    ap.phase("test", test_ms, { window = 30 })
    if answer() ~= test_set:label(i) then st.wrong = st.wrong + 1 end
    st.ti = i + 1
  end
  local e = 100 * st.wrong / n_test
  st.ti, st.wrong = nil, nil
  return e
end

-- End an epoch quiet and cleared, as the authors' test leaves the
-- network: one step in which no neuron fires takes the spikes still on
-- their way, then every state variable is reset.  The next epoch then
-- starts from the weights alone, as a resumed run does.
local function quiesce()
  input:set{ rate = 0 }
  for _, l in ipairs(layers) do l:set{ lambda_max = 0 } end
  ap.run(ap.dt())
  for _, l in ipairs(layers) do l:set{ lambda_max = lambda_max } end
  reset_all()
end

local function write_atomic(path, text)
  local tmp = path .. ".tmp"
  local f = assert(io.open(tmp, "wb"))
  assert(f:write(text))
  assert(f:close())
  assert(os.rename(tmp, path))
end

local function save_curves(rows)
  local t = { "epoch,train_error,test_error,angle_deg,wall_s\n" }
  for _, r in ipairs(rows) do
    t[#t + 1] = string.format("%d,%s,%.4f,%s,%.0f\n", r.epoch,
                              r.train and string.format("%.4f", r.train) or "",
                              r.test, r.angle and string.format("%.3f", r.angle)
                              or "", r.wall)
  end
  write_atomic(out_csv, table.concat(t))
  if not out_png then return end
  local epoch, train, test = {}, {}, {}
  for i, r in ipairs(rows) do
    epoch[i], train[i], test[i] = r.epoch, r.train or 0 / 0, r.test
  end
  assert(ap.plot.trace({ x = epoch, { name = "training", values = train },
                         { name = "test", values = test } }, out_png,
    { xlabel = "epoch", label = "error", unit = "%",
      title = string.format("%s, %s rule, %s feedback", data, rule, feedback) }))
end

local function save_angles(angles)
  if not A.angle_out then return end
  local t = { "example,angle_deg_mean100\n" }
  for _, r in ipairs(angles) do t[#t + 1] = string.format("%d,%.4f\n", r[1], r[2]) end
  write_atomic(A.angle_out, table.concat(t))
end

-- Checkpoints: a header, the run's description and progress as Lua text,
-- then every learned array, weights as little-endian floats (what the
-- projections store), biases as doubles.
local config = string.format(
  "data=%s layers=%s rule=%s feedback=%s eta=%s b_eta=%g train=%d seed=%d " ..
  "psp_memory=%g soma=%s window=%s phase=%g test_reset=%s feedback_bias=%s " ..
  "mode=%s",
  data, table.concat(sizes, ","), rule, feedback, table.concat(etas, ","),
  b_eta, n_train, seed, psp_memory, soma, window, phase_min,
  tostring(test_reset), tostring(feedback_bias), mode)
local MAGIC = "apical-guerguiev2017-checkpoint-2\n"

local function learned_arrays()
  local arr = {}
  for m, p in ipairs(forward) do arr[#arr + 1] = { "W" .. m, p:weights(), "f" } end
  for m, l in ipairs(layers) do arr[#arr + 1] = { "b" .. m, l:get("b"), "d" } end
  for m, p in ipairs(feedback_proj) do
    arr[#arr + 1] = { "Y" .. m, p:weights(), "f" }
    arr[#arr + 1] = { "c" .. m, hidden[m]:get("c"), "d" }
  end
  return arr
end

local function serialize(v)
  if type(v) == "table" then
    local t = {}
    for i = 1, #v do t[i] = serialize(v[i]) end
    local keys = {}
    for k in pairs(v) do if type(k) == "string" then keys[#keys + 1] = k end end
    table.sort(keys)
    for _, k in ipairs(keys) do t[#t + 1] = k .. "=" .. serialize(v[k]) end
    return "{" .. table.concat(t, ",") .. "}"
  elseif type(v) == "number" then
    return v ~= v and "0/0" or string.format("%.17g", v)
  elseif type(v) == "string" then
    return string.format("%q", v)
  elseif type(v) == "boolean" then
    return tostring(v)
  end
  return "nil"
end

local function save_checkpoint(path, meta)
  local parts = { MAGIC, string.pack("<s4", serialize(meta)) }
  local arr = learned_arrays()
  parts[#parts + 1] = string.pack("<I4", #arr)
  for _, a in ipairs(arr) do
    local v, t = a[2], a[3]
    parts[#parts + 1] = string.pack("<s4c1I8", a[1], t, #v)
    for i = 1, #v, 512 do
      local hi = math.min(i + 511, #v)
      parts[#parts + 1] = string.pack("<" .. string.rep(t, hi - i + 1),
                                      table.unpack(v, i, hi))
    end
  end
  write_atomic(path, table.concat(parts))
end

local function load_checkpoint(path)
  local f, err = io.open(path, "rb")
  if not f then usage("resume: cannot open " .. tostring(err)) end
  local s = f:read("a")
  f:close()
  local function bad(why) usage("resume: " .. path .. ": " .. why) end
  if s:sub(1, #MAGIC) ~= MAGIC then bad("not a guerguiev2017.lua checkpoint") end
  local ok, text, pos = pcall(string.unpack, "<s4", s, #MAGIC + 1)
  if not ok then bad("truncated header") end
  local chunk = load("return " .. text, "=" .. path, "t", {})
  local meta = chunk and chunk()
  if type(meta) ~= "table" or type(meta.epoch) ~= "number" then
    bad("unreadable description")
  end
  if meta.config ~= config then
    bad("it was made by another configuration:\n  " .. tostring(meta.config) ..
        "\nthis run is:\n  " .. config)
  end
  local n
  ok, n, pos = pcall(string.unpack, "<I4", s, pos)
  if not ok then bad("truncated") end
  local arrays = {}
  for _ = 1, n do
    local name, t, len
    ok, name, t, len, pos = pcall(string.unpack, "<s4c1I8", s, pos)
    if not ok or (t ~= "f" and t ~= "d") then bad("bad array header") end
    if pos + (t == "f" and 4 or 8) * len - 1 > #s then bad("truncated array") end
    local v = {}
    for i = 1, len, 512 do
      local hi = math.min(i + 511, len)
      local vals = { string.unpack("<" .. string.rep(t, hi - i + 1), s, pos) }
      pos = vals[#vals]
      for k = 1, hi - i + 1 do v[i + k - 1] = vals[k] end
    end
    arrays[name] = v
  end
  if pos ~= #s + 1 then bad("trailing bytes") end
  for m, p in ipairs(forward) do p:set_weights(arrays["W" .. m]) end
  for m, l in ipairs(layers) do l:set{ b = arrays["b" .. m] } end
  for m, p in ipairs(feedback_proj) do
    if feedback ~= "symmetric" then p:set_weights(arrays["Y" .. m]) end
    hidden[m]:set{ c = arrays["c" .. m] }
  end
  return meta
end

-- The authors' later non-spiking mode (deep_learning.py at its last
-- commit, nonspiking_mode = True), from the same initial weights: no
-- spikes anywhere (every layer passes on its rate lambda_max sigma(C)
-- per step, the input its pixel rate), somata at their steady states
-- (C = k_B B, U = k_D V, with the teaching conductances in the target
-- phase), phases of 2 steps averaged over their last: the apical
-- potential of a phase's last step sees the output rates of its first.
-- The same rule, in Lua (no simulation runs).
local function nonspiking()
  local gL, gB, gD, EE, EI = 0.1, 0.6, 0.6, 8, -8
  local kB, kD = gB / (gL + gB), gD / (gL + gD)
  local function sig(x) return 1 / (1 + math.exp(-x)) end
  local M = #layers
  local W, b, n_of, Yf, cf = {}, {}, {}, {}, {}
  for m = 1, M do
    W[m] = forward[m]:weights()
    b[m] = layers[m]:get("b")
    n_of[m] = #layers[m]
  end
  for m = 1, #hidden do
    Yf[m] = feedback_proj[m]:weights() -- by output neuron k, then hidden i
    cf[m] = hidden[m]:get("c")
  end
  -- rates of one layer from the one below: B = W x + b (only x != 0)
  local function dendrite(m, x)
    local n, w, B = n_of[m], W[m], {}
    for i = 1, n do B[i] = b[m][i] end
    for j = 1, #x do
      local xj = x[j]
      if xj ~= 0 then
        local base = (j - 1) * n
        for i = 1, n do B[i] = B[i] + w[base + i] * xj end
      end
    end
    return B
  end
  local function forward_pass(img)
    local x = {}
    for j = 1, n_in do x[j] = img[j] * 1e-3 end -- spikes per 1 ms step
    local xs, Cs = { x }, {}
    for m = 1, M do
      local B = dendrite(m, xs[m])
      local C, r = {}, {}
      local k = m == M and kD or kB
      for i = 1, #B do
        C[i] = k * B[i]
        r[i] = phi_max * sig(C[i])
      end
      Cs[m], xs[m + 1] = { B = B, C = C }, r
    end
    return xs, Cs
  end
  local function apical(m, r_out)
    local n, y, A = n_of[m], Yf[m], {}
    for i = 1, n do A[i] = feedback_bias and cf[m][i] or 0 end
    for k = 1, 10 do
      local rk = r_out[k]
      for i = 1, n do A[i] = A[i] + y[(k - 1) * n + i] * rk end
    end
    return A
  end
  local function argmax(v)
    local best, k = -math.huge, 0
    for i = 1, #v do if v[i] > best then best, k = v[i], i - 1 end end
    return k
  end
  local function train_one(img, label)
    local xs, Cs = forward_pass(img)
    local out = Cs[M]
    local right = argmax(out.C) == label
    -- target phase: U = (g_D V + g_E E_E + g_I E_I) / (g_L + g_D + g_E + g_I)
    local rt = {}
    for k = 1, 10 do
      local gE = (k - 1 == label) and 1 or 0
      local gI = 1 - gE
      local U = (gD * out.B[k] + gE * EE + gI * EI) / (gL + gD + gE + gI)
      rt[k] = phi_max * sig(U)
    end
    local E = {}
    -- output layer
    local Eo = {}
    for k = 1, 10 do
      local Cf = out.C[k]
      local s = sig(Cf)
      Eo[k] = kD * (rt[k] - phi_max * s) * phi_max * s * (1 - s)
    end
    E[M] = Eo
    for m = 1, M - 1 do
      local Af, At = apical(m, xs[M + 1]), apical(m, rt)
      local Em = {}
      for i = 1, n_of[m] do
        local s = sig(Cs[m].C[i])
        Em[i] = kB * (sig(At[i]) - sig(Af[i])) * phi_max * s * (1 - s)
      end
      E[m] = Em
    end
    for m = 1, M do
      local P = m == M and 20 / (phi_max * phi_max) or 20 / phi_max
      local g, n, w, x = {}, n_of[m], W[m], xs[m]
      for i = 1, n do
        g[i] = etas[m] * P * E[m][i]
        b[m][i] = b[m][i] + g[i]
      end
      for j = 1, #x do
        local xj = x[j]
        if xj ~= 0 then
          local base = (j - 1) * n
          for i = 1, n do w[base + i] = w[base + i] + g[i] * xj end
        end
      end
    end
    return right
  end
  local function test_error_ns()
    local wrong = 0
    for i = 1, n_test do
      local _, Cs = forward_pass(test_set:image(i, lambda_max))
      if argmax(Cs[M].C) ~= test_set:label(i) then wrong = wrong + 1 end
    end
    return 100 * wrong / n_test
  end
  local rows, t0 = {}, os.time()
  if A.test0 == "1" then
    local e0 = test_error_ns()
    rows[1] = { epoch = 0, test = e0, wall = 0 }
    print(string.format("epoch=0 test_error=%.2f", e0))
  end
  for epoch = 1, epochs do
    local order = epoch_order(epoch)
    local right = 0
    for e = 1, n_train do
      local i = order[e]
      if train_one(train_set:image(i, lambda_max), train_set:label(i)) then
        right = right + 1
      end
    end
    local tr, te = 100 * (1 - right / n_train), test_error_ns()
    rows[#rows + 1] = { epoch = epoch, train = tr, test = te,
                        wall = os.difftime(os.time(), t0) }
    print(string.format("epoch=%d train_error=%.2f test_error=%.2f", epoch, tr, te))
    io.stdout:flush()
  end
  return rows
end

print(string.format("# %s: %d-%s10, rule=%s feedback=%s eta=%s train=%d test=%d seed=%d",
  data, n_in, (#hidden > 0) and (table.concat(sizes, "-") .. "-") or "", rule,
  feedback, table.concat(etas, ","), n_train, n_test, seed))
print(string.format("# psp_memory=%g soma=%s window=%s test_reset=%d feedback_bias=%d",
  psp_memory, soma, window, test_reset and 1 or 0, feedback_bias and 1 or 0))
if mode == "nonspiking" then
  print("# mode=nonspiking: the authors' rate network, in Lua (no spikes)")
  save_curves(nonspiking())
  return
end
local rows, angles, first_epoch, wall0 = {}, {}, 1, 0
local last = nil -- the last epoch's times and test error, returned
if A.resume then
  local meta = load_checkpoint(A.resume)
  rows, angles, first_epoch, wall0 = meta.rows, meta.angles, meta.epoch + 1, meta.wall
  ap.start_at(meta.now)
  print(string.format("# resumed from %s after epoch %d", A.resume, meta.epoch))
end
-- Everything the loops below carry, kept in every snapshot (--snapshot,
-- --snapshot-every; docs/reliability.md): a run restored from one
-- (--restore, with the same arguments) goes on from the example, phase
-- or test image that was under way, with the numbers of a run never
-- stopped.
st = ap.restored()
if st then
  print(string.format("# resumed from a snapshot: epoch %d, %s", st.epoch,
                      st.stage))
  rows, angles, wall0 = st.rows, st.angles, st.wall
else
  st = { epoch = first_epoch, rows = rows, angles = angles, wall = wall0,
         stage = (A.test0 == "1" and first_epoch == 1) and "test0" or "train" }
end
ap.keep(st)
local t0 = os.time()
local function wall() return wall0 + os.difftime(os.time(), t0) end
if st.stage == "test0" then
  local e0 = test_error()
  rows[1] = { epoch = 0, test = e0, wall = wall() }
  print(string.format("epoch=0 test_error=%.2f", e0))
  st.stage = "quiet0"
end
if st.stage == "quiet0" then
  quiesce()
  save_curves(rows)
  st.stage = "train"
end
while st.epoch <= epochs and st.stage ~= "final" do
  local epoch = st.epoch
  local order = epoch_order(epoch)
  if not st.e then
    st.e, st.right, st.ang_sum, st.ang_n, st.len_sum = 1, 0, 0, 0, 0
    st.ring, st.ring_sum = {}, 0
  end
  local c0 = ap.clock()
  while st.stage == "train" and st.e <= n_train do
    local e = st.e
    if train_example(train_set, order[e]) then st.right = st.right + 1 end
    local g, len = angle()
    if g then
      st.ang_sum, st.ang_n, st.len_sum = st.ang_sum + g, st.ang_n + 1, st.len_sum + len
      if epoch <= angle_epochs then
        local slot = (e - 1) % 100 + 1
        st.ring_sum = st.ring_sum - (st.ring[slot] or 0) + g
        st.ring[slot] = g
        if e % 100 == 0 then
          angles[#angles + 1] = { (epoch - 1) * n_train + e, st.ring_sum / 100 }
        end
      end
    end
    st.e = e + 1
    st.wall = wall()
  end
  st.stage = st.stage == "train" and "test" or st.stage
  local train_err = 100 * (1 - st.right / n_train)
  local c1 = ap.clock()
  if st.stage == "test" then
    st.test_err = test_error()
    st.stage = "quiet"
  end
  local test_err = st.test_err
  quiesce()
  last = { train_s = c1 - c0, test_s = ap.clock() - c1, test_error = test_err }
  local ang = st.ang_n > 0 and st.ang_sum / st.ang_n or nil
  rows[#rows + 1] = { epoch = epoch, train = train_err, test = test_err,
                      angle = ang, wall = wall() }
  print(string.format("epoch=%d train_error=%.2f test_error=%.2f", epoch,
                      train_err, test_err))
  print(string.format("# angle_to_backprop=%s backprop_length_ratio=%s "
                      .. "wall_s=%.0f train_s=%.1f test_s=%.1f",
                      ang and string.format("%.1f", ang) or "n/a",
                      ang and string.format("%.3g", st.len_sum / st.ang_n) or "n/a",
                      wall(), last.train_s, last.test_s))
  io.stdout:flush()
  save_curves(rows)
  save_angles(angles)
  if A.save then
    save_checkpoint(A.save, { config = config, epoch = epoch, now = ap.now(),
                              rows = rows, angles = angles, wall = wall() })
  end
  st.epoch, st.e, st.stage, st.test_err = epoch + 1, nil, "train", nil
end
st.stage = "final"
if final_tests > 0 then
  st.fi, st.fsum = st.fi or 1, st.fsum or 0
  st.flo, st.fhi = st.flo or math.huge, st.fhi or -math.huge
  while st.fi <= final_tests do
    local e = test_error()
    st.fsum, st.flo, st.fhi = st.fsum + e, math.min(st.flo, e), math.max(st.fhi, e)
    st.fi = st.fi + 1
  end
  print(string.format("final_tests=%d mean=%.2f min=%.2f max=%.2f",
                      final_tests, st.fsum / final_tests, st.flo, st.fhi))
end
-- for a script that runs this one with dofile (the epoch benchmark)
return last
