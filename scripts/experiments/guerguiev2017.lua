-- Deep learning with segregated dendrites (Guerguiev, Lillicrap & Richards
-- 2017, eLife 6:e22901): a network of segregated_dendrite neurons learns
-- to classify Fashion-MNIST (or MNIST) images with local rules and no
-- back-propagation.
--
-- Each image drives 784 Poisson neurons (200 Hz at full intensity).  One
-- or more hidden layers of segregated_dendrite neurons (layer 0) receive
-- it on their basal dendrites; 10 output neurons (layer 1) receive the
-- last hidden layer; the output spikes feed back to every hidden layer's
-- apical dendrites through fixed weights Y.  Each training example runs
-- two phases of the core's scheduler: "forward" (input only) and "target"
-- (the output neuron of the label gets g_E = 1, the others g_I = 1), each
-- 50 ms plus a Wald(2, 1)-distributed extra, with an integration window
-- after the first 30 ms.  The learning rule updates the weights at the end
-- of the target phase.  Tests run one 250 ms phase per image; the answer
-- is the output neuron with the highest mean somatic potential.
--
--   apical run guerguiev2017.lua [data=fashion|mnist] [layers=500]
--       [rule=guerguiev|backprop|feedback_alignment]
--       [feedback=random|sparse|symmetric|learned] [epochs=10]
--       [train=60000] [test=10000] [eta=0.21] [b_eta=0.01] [seed=1]
--       [test0=0] [out=guerguiev2017.csv] [plot=1]
--
-- layers: hidden layer sizes separated by commas ("500", "500,100"), or
-- 0 for none (784-10).  feedback: Y uniform at random (random), with 80 %
-- of it zeroed and the rest times 5 (sparse), the transposed output
-- weights kept so (symmetric, one hidden layer), or random and learned
-- by the guerguiev rule with rate b_eta (learned).  train and test take the first images of a fresh
-- shuffle (train) or of the test set (test), for quick runs.  After each
-- epoch it prints
--   epoch=<n> train_error=<percent> test_error=<percent>
-- (train_error: the forward-phase answers during the epoch, as the
-- authors count it; test0=1 first prints epoch=0 test_error=<percent>,
-- the untrained network's), then a line with the mean angle between the hidden
-- layer's update and the one backprop would make (guerguiev only) and the
-- wall time, and rewrites the learning curves to `out` (CSV) and their
-- plot beside it (`out` with .png; plot=0: none).
local ap = require "apical"
local A = ap.args
local data = A.data or "fashion"
local rule = A.rule or "guerguiev"
local feedback = A.feedback or "random"
local epochs = tonumber(A.epochs or "10")
local n_train = tonumber(A.train or "60000")
local n_test = tonumber(A.test or "10000")
local eta = tonumber(A.eta or "0.21")
local b_eta = tonumber(A.b_eta or "0.01")
local seed = tonumber(A.seed or "1")
local out_csv = A.out or "guerguiev2017.csv"
local out_png = A.plot ~= "0" and out_csv:gsub("%.[Cc][Ss][Vv]$", "") .. ".png"
local test_ms = tonumber(A.test_phase or "250")

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
  hidden[m] = ap.population("segregated_dendrite", n, { layer = 0, b = bias() })
  sizes[m] = n
end
local output = ap.population("segregated_dendrite", 10, { layer = 1, b = bias() })
local layers = {}
for m = 1, #hidden do layers[m] = hidden[m] end
layers[#layers + 1] = output

-- Forward projections, in forward order (the rules' phase ends then run
-- from the output down, and credit flows the same way).
local forward, W_sd = {}, {}
local below, N = input, n_in
for m, post in ipairs(layers) do
  local avg, sd = init_stats(N)
  W_sd[m] = sd
  local learn = { rule, eta = eta }
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
-- spread of W^m; the apical bias c = Y r with r of the same spread.
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
  hidden[m]:set{ c = c[m] }
  feedback_proj[m] = ap.connect(output, hidden[m], "all_to_all",
    { weight = w, port = "apical", delay = 1.0,
      learning = feedback == "learned" and { "guerguiev", eta = b_eta } or nil })
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
local function phase_ms() return 50 + math.floor(wald(2, 1)) end

local function answer()
  local s = output:get("sum_U")
  local best, k = -math.huge, 0
  for i = 1, 10 do if s[i] > best then best, k = s[i], i - 1 end end
  return k
end

local g_E, g_I = {}, {}
local function train_example(ds, i)
  input:set{ rate = ds:image(i, lambda_max) }
  ap.phase("forward", phase_ms(), { window = 30 })
  local label = ds:label(i)
  local correct = answer() == label
  for k = 1, 10 do
    g_E[k] = (k - 1 == label) and 1 or 0
    g_I[k] = 1 - g_E[k]
  end
  output:set{ g_E = g_E, g_I = g_I }
  ap.phase("target", phase_ms(), { window = 30 })
  output:set{ g_E = 0, g_I = 0 }
  return correct
end

-- The angle between the hidden layer's error vector and backprop's (the
-- layer just below the output), in degrees.
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
  return math.deg(math.acos(math.max(-1, math.min(1, d / math.sqrt(a * b)))))
end

local function test_error()
  local wrong = 0
  for i = 1, n_test do
    input:set{ rate = test_set:image(i, lambda_max) }
    ap.phase("test", test_ms, { window = 30 })
    if answer() ~= test_set:label(i) then wrong = wrong + 1 end
  end
  return 100 * wrong / n_test
end

local function save_curves(rows)
  local tmp = out_csv .. ".tmp"
  local f = assert(io.open(tmp, "w"))
  f:write("epoch,train_error,test_error,angle_deg,wall_s\n")
  for _, r in ipairs(rows) do
    f:write(string.format("%d,%s,%.4f,%s,%.0f\n", r[1],
                          r[2] and string.format("%.4f", r[2]) or "", r[3],
                          r[4] and string.format("%.3f", r[4]) or "", r[5]))
  end
  f:close()
  assert(os.rename(tmp, out_csv))
  if not out_png then return end
  local epoch, train, test = {}, {}, {}
  for i, r in ipairs(rows) do
    epoch[i], train[i], test[i] = r[1], r[2] or 0 / 0, r[3]
  end
  assert(ap.plot.trace({ x = epoch, { name = "training", values = train },
                         { name = "test", values = test } }, out_png,
    { xlabel = "epoch", label = "error", unit = "%",
      title = string.format("%s, %s rule, %s feedback", data, rule, feedback) }))
end

print(string.format("# %s: %d-%s10, rule=%s feedback=%s eta=%g train=%d test=%d seed=%d",
  data, n_in, (#hidden > 0) and (table.concat(sizes, "-") .. "-") or "", rule,
  feedback, eta, n_train, n_test, seed))
local rows, t0 = {}, os.time()
local function wall() return os.difftime(os.time(), t0) end
local order = {}
for i = 1, #train_set do order[i] = i end
if A.test0 == "1" then
  local e0 = test_error()
  rows[1] = { 0, nil, e0, nil, wall() }
  print(string.format("epoch=0 test_error=%.2f", e0))
  save_curves(rows)
end
for epoch = 1, epochs do
  for a = #order, 2, -1 do
    local b = math.random(a)
    order[a], order[b] = order[b], order[a]
  end
  local right, ang_sum, ang_n = 0, 0, 0
  for e = 1, n_train do
    if train_example(train_set, order[e]) then right = right + 1 end
    local g = angle()
    if g then ang_sum, ang_n = ang_sum + g, ang_n + 1 end
  end
  local train_err = 100 * (1 - right / n_train)
  local test_err = test_error()
  local ang = ang_n > 0 and ang_sum / ang_n or nil
  rows[#rows + 1] = { epoch, train_err, test_err, ang, wall() }
  print(string.format("epoch=%d train_error=%.2f test_error=%.2f", epoch,
                      train_err, test_err))
  print(string.format("# angle_to_backprop=%s wall_s=%.0f",
                      ang and string.format("%.1f", ang) or "n/a", wall()))
  io.stdout:flush()
  save_curves(rows)
end
