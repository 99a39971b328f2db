-- nef.lua -- ap.nef: the Neural Engineering Framework (Eliasmith &
-- Anderson 2003) in apical scripts, with Nengo's names, defaults and
-- arithmetic.  Compiled into the library (core/lua/lnef.c runs it with
-- the ap table and the C helpers tune, eval_points, rates and solve).
--
-- Times are in ms, as everywhere in apical (Nengo uses seconds): synapse
-- time constants, tau_rc and tau_ref, the t given to node functions, and
-- probe times.  Rates are in Hz.
local ap, C = ...
local nef = {}

local function fail(level, fmt, ...)
  error(string.format(fmt, ...), level + 1)
end

-- Refuse keys of an options table that the call does not know.
local function check_keys(o, known, what)
  for k in pairs(o) do
    if not known[k] then
      local names = {}
      for name in pairs(known) do names[#names + 1] = name end
      table.sort(names)
      fail(3, "%s: unknown option '%s' (known: %s)", what, tostring(k),
           table.concat(names, ", "))
    end
  end
end

local function set(list)
  local s = {}
  for _, k in ipairs(list) do s[k] = true end
  return s
end

-- Nengo's default number of evaluation points.
local function n_eval_points(n, D)
  local k = math.min(math.max(500 * D, 750), 2500)
  return math.max(k, 2 * n)
end

-- ------------------------------------------------------------ ensembles

local Ensemble = {}
Ensemble.__index = Ensemble
Ensemble.__name = "apical.nef.Ensemble"

local MODELS = { lif = "nef_lif", lif_rate = "nef_lif_rate" }

local ensemble_keys = set{ "n", "dimensions", "radius", "neuron", "max_rates",
  "intercepts", "encoders", "eval_points", "tau_rc", "tau_ref", "label" }

function nef.ensemble(o)
  if type(o) ~= "table" then fail(2, "nef.ensemble: needs a table of options") end
  check_keys(o, ensemble_keys, "nef.ensemble")
  local n = o.n
  if math.type(n) ~= "integer" or n < 1 then
    fail(2, "nef.ensemble: n must be a whole number of neurons >= 1")
  end
  local D = o.dimensions or 1
  if math.type(D) ~= "integer" or D < 1 then
    fail(2, "nef.ensemble: dimensions must be a whole number >= 1")
  end
  local radius = o.radius or 1.0
  if type(radius) ~= "number" or not (radius > 0) then
    fail(2, "nef.ensemble: radius must be a number > 0")
  end
  local neuron = o.neuron or "lif"
  local model = MODELS[neuron]
  if not model then
    fail(2, "nef.ensemble: neuron must be \"lif\" or \"lif_rate\", not %q",
         tostring(neuron))
  end
  local tau_rc, tau_ref = o.tau_rc or 20.0, o.tau_ref or 2.0
  local pop = ap.population(model, n, { tau_rc = tau_rc, tau_ref = tau_ref })
  local gain, bias, enc = C.tune(pop, D, o.max_rates or ap.uniform(200, 400),
                                 o.intercepts or ap.uniform(-1, 0.9),
                                 o.encoders, tau_rc, tau_ref)
  pop:set{ gain = gain, bias = bias }
  local X
  local ep = o.eval_points or n_eval_points(n, D)
  if type(ep) == "number" then
    if math.type(ep) ~= "integer" or ep < 1 then
      fail(2, "nef.ensemble: eval_points must be a count >= 1 or a table of points")
    end
    X = C.eval_points(pop, ep, D, radius)
  elseif type(ep) == "table" then
    X = {}
    for i, p in ipairs(ep) do
      if type(p) == "number" and D == 1 then p = { p } end
      if type(p) ~= "table" or #p ~= D then
        fail(2, "nef.ensemble: evaluation point %d must have %d values", i, D)
      end
      for k = 1, D do X[#X + 1] = p[k] end
    end
    if #X == 0 then fail(2, "nef.ensemble: eval_points is empty") end
  else
    fail(2, "nef.ensemble: eval_points must be a count or a table of points")
  end
  return setmetatable({
    pop = pop, n = n, dimensions = D, radius = radius, neuron = neuron,
    tau_rc = tau_rc, tau_ref = tau_ref, gain = gain, bias = bias,
    encoders = enc, eval_points = X, label = o.label,
    ports = {},  -- filtered spike ports in use: tau (ms) -> port name
  }, Ensemble)
end

function Ensemble:__tostring()
  return string.format("Ensemble%s (%d %s neurons, %d dimensions)",
                       self.label and (" " .. self.label) or "", self.n,
                       self.neuron, self.dimensions)
end

-- The rates (Hz) of the ensemble at points (a table of points, or nil for
-- its evaluation points): a flat table, points x neurons.
function Ensemble:rates(points)
  local X = self.eval_points
  if points then
    X = {}
    for _, p in ipairs(points) do
      if type(p) == "number" then p = { p } end
      for k = 1, self.dimensions do X[#X + 1] = p[k] end
    end
  end
  return C.rates(self.encoders, self.gain, self.bias, self.radius, self.tau_rc,
                 self.tau_ref, X, self.dimensions, self:tick())
end

-- f at every evaluation point: flat targets and their width.
local function targets(ens, func)
  local D, X = ens.dimensions, ens.eval_points
  local m = #X // D
  local Y, width = {}, nil
  for p = 0, m - 1 do
    local x = {}
    for k = 1, D do x[k] = X[p * D + k] end
    local y = x
    if func then y = func(x) end
    if type(y) == "number" then y = { y } end
    if type(y) ~= "table" then
      fail(4, "nef.connect: func must return a number or a table of numbers")
    end
    width = width or #y
    if #y ~= width or width == 0 then
      fail(4, "nef.connect: func returned %d values at one point and %d at another",
           width, #y)
    end
    for k = 1, width do Y[#Y + 1] = y[k] end
  end
  return Y, width
end

-- Decoders of func (nil: the identity) by LstsqL2: flat n x d, d, and the
-- RMS error at the evaluation points.
function Ensemble:solve(func, reg)
  local Y, d = targets(self, func)
  local dec, rmse = C.solve(self.encoders, self.gain, self.bias, self.radius,
                            self.tau_rc, self.tau_ref, self.eval_points,
                            self.dimensions, Y, d, reg or 0.1, self:tick())
  return dec, d, rmse
end

-- On a backend that runs the neurons on a grid of ticks (a chip: one that
-- cannot decode populations), the rates that decoders are solved for are
-- that grid's (as nengo-loihi's LoihiLIF), with the tick taken as dt.
function Ensemble:tick()
  if ap.backend_can("decoded") then return 0 end
  return ap.dt()
end

-- The post side of a connection: encoders scaled by gain / radius.
local function scaled_encoders(ens)
  local E, D = {}, ens.dimensions
  for i = 1, ens.n do
    local g = ens.gain[i] / ens.radius
    for k = 1, D do E[(i - 1) * D + k] = ens.encoders[(i - 1) * D + k] * g end
  end
  return E
end

-- ------------------------------------------------------------------ nodes

local Node = {}
Node.__index = Node
Node.__name = "apical.nef.Node"

function nef.node(out, o)
  o = o or {}
  check_keys(o, set{ "size_in", "size_out", "label" }, "nef.node")
  local size_in = o.size_in
  if size_in ~= nil and (math.type(size_in) ~= "integer" or size_in < 1) then
    fail(2, "nef.node: size_in must be a whole number >= 1")
  end
  -- log: the value of every step since the node started (for probes);
  -- inputs: what connections into the node read each step
  local self = setmetatable({ conns = {}, log_t = {}, log_v = {}, inputs = {},
                              size_in = size_in, label = o.label }, Node)
  if type(out) == "function" then
    self.f = out
  elseif type(out) == "number" then
    self.f = function() return out end
  elseif type(out) == "table" then
    local v = {}
    for k, x in ipairs(out) do v[k] = x end
    self.f = function() return v end
  elseif out == nil then
    -- no function: a node with inputs passes them on, one without is 0
    self.f = function(_, x) return x end
  else
    fail(2, "nef.node: output must be a function of t (ms) [and the input], "
            .. "a number or a table")
  end
  self.size_out = o.size_out
  return self
end

-- The node's input now: the sum of what its connections deliver.
function Node:input_value()
  local x = {}
  for k = 1, self.size_in do x[k] = 0.0 end
  for _, r in ipairs(self.inputs) do
    for k = 1, self.size_in do x[k] = x[k] + r.x[k] end
  end
  return x
end

-- The node's value at time t (ms), as a table of size_out numbers (f gets
-- t and, for a node with inputs, the input as a table).
function Node:value_at(t)
  local v = self.f(t, self.size_in and self:input_value() or nil)
  if v == nil then v = 0 end
  if type(v) == "number" then v = { v } end
  if type(v) ~= "table" then
    fail(3, "nef.node: the output function returned a %s, not a number or table", type(v))
  end
  self.size_out = self.size_out or #v
  if #v ~= self.size_out then
    fail(3, "nef.node: the output function returned %d values, not %d", #v,
         self.size_out)
  end
  return v
end

-- Read what reached the inputs in the step just done: an ensemble's
-- spikes decoded (as impulses of area 1) or a node's value, through the
-- connection's transform and low-pass.
function Node:read_inputs()
  local per_s = 1000.0 / ap.dt()
  for _, r in ipairs(self.inputs) do
    local u = {}
    for k = 1, self.size_in do u[k] = 0.0 end
    if r.rec then
      local who = r.rec:senders(r.next)
      r.next = r.next + #who
      for _, j in ipairs(who) do
        local row = (j - 1) * self.size_in
        for k = 1, self.size_in do u[k] = u[k] + r.dec[row + k] * per_s end
      end
    else
      local v = r.src.current or r.src:value_at(ap.now())
      for k = 1, self.size_in do
        local acc = 0
        for q = 1, #v do acc = acc + r.T[k][q] * v[q] end
        u[k] = acc
      end
    end
    for k = 1, self.size_in do r.x[k] = r.keep * r.x[k] + (1 - r.keep) * u[k] end
  end
end

-- Write every connection's signal for the step that ends at t + dt.
function Node:push(t)
  if #self.inputs > 0 then self:read_inputs() end
  local v = self:value_at(t)
  self.current = v
  for _, c in ipairs(self.conns) do
    local T, D, s = c.T, c.post.dimensions, {}
    for r = 1, D do
      local acc = 0
      for k = 1, #v do acc = acc + T[r][k] * v[k] end
      s[r] = acc
    end
    c.decoded:set_signal(s)
  end
  self.log_t[#self.log_t + 1] = t
  self.log_v[#self.log_v + 1] = v
end

-- Evaluate the node before every step from now on.
function Node:start()
  if self.started then return end
  self.started = true
  local dt = ap.dt()
  self:push(ap.now() + dt)
  ap.every(dt, function(t) self:push(t + dt) end)
end

-- ------------------------------------------------------------ connections

-- The transform as a post.D x width matrix (a table of rows).
local function transform_matrix(T, rows, cols)
  local M = {}
  if T == nil or type(T) == "number" then
    if rows ~= cols then
      fail(4, "nef.connect: %d values reach a %d-dimensional ensemble: give "
              .. "a transform of %d rows and %d columns", cols, rows, rows, cols)
    end
    for r = 1, rows do
      M[r] = {}
      for c = 1, cols do M[r][c] = (r == c) and (T or 1.0) or 0.0 end
    end
    return M
  end
  if type(T) ~= "table" or #T ~= rows then
    fail(4, "nef.connect: transform must have %d rows (the post dimensions)", rows)
  end
  for r = 1, rows do
    if type(T[r]) ~= "table" or #T[r] ~= cols then
      fail(4, "nef.connect: transform row %d must have %d entries", r, cols)
    end
    M[r] = T[r]
  end
  return M
end

local Connection = {}
Connection.__index = Connection
Connection.__name = "apical.nef.Connection"

local connect_keys = set{ "func", "transform", "synapse", "solver", "weights",
  "reg", "learning", "to_neurons" }

-- The PES rule (Nengo's PES): a learning option of nef.connect.
local Pes = {}
Pes.__index = Pes
function nef.pes(o)
  o = o or {}
  check_keys(o, set{ "learning_rate", "pre_synapse", "error_synapse" }, "nef.pes")
  return setmetatable({ learning_rate = o.learning_rate or 1e-4,
                        pre_synapse = o.pre_synapse or 5.0,
                        error_synapse = o.error_synapse or 5.0 }, Pes)
end
local n_pes = 0

-- The error connection of a learning connection c: the error ensemble's
-- decoded value, through error_synapse, into c's modulators (Nengo's
-- low-pass: each spike of neuron j releases (1 - a) d_jk / dt_s).
local function connect_error(err, c, o)
  if getmetatable(err) ~= Ensemble then
    fail(3, "nef.connect: an error connection comes from an ensemble")
  end
  local dec, d = err:solve(o.func, o.reg or 0.1)
  local D = #c.mods
  local T = transform_matrix(o.transform, D, d)
  local dt = ap.dt()
  local a = math.exp(-dt / c.learning.error_synapse)
  local per = (1 - a) * 1000.0 / dt
  for k = 1, D do
    local w = {}
    for j = 0, err.n - 1 do
      local acc = 0
      for q = 1, d do acc = acc + dec[j * d + q] * T[k][q] end
      w[j + 1] = acc * per
    end
    ap.connect(err.pop, c.mods[k], { weight = w })
  end
  return c
end

-- A filtered spike port of the post ensemble for time constant tau.
local function port_for(post, tau)
  if post.ports[tau] then return post.ports[tau] end
  local used = 0
  for _ in pairs(post.ports) do used = used + 1 end
  if used >= 2 then
    fail(4, "nef.connect: ensemble %s already takes synapse weights through "
            .. "two time constants; weights = true supports two per ensemble",
         tostring(post.label or ""))
  end
  local name = used == 0 and "s1" or "s2"
  post.pop:set{ ["tau_" .. name] = tau }
  post.ports[tau] = name
  return name
end

-- Into a node with inputs (size_in): read on the host every step, from an
-- ensemble's spikes (decoded with func and transform) or a node's value.
local function connect_to_node(pre, node, o)
  if not node.size_in then
    fail(3, "nef.connect: this node takes no input (make it with size_in)")
  end
  local tau = o.synapse
  if tau == nil then tau = 5.0 end
  local r = { x = {}, keep = tau > 0 and math.exp(-ap.dt() / tau) or 0 }
  for k = 1, node.size_in do r.x[k] = 0.0 end
  if getmetatable(pre) == Ensemble then
    local dec, d = pre:solve(o.func, o.reg)
    local T = transform_matrix(o.transform, node.size_in, d)
    r.dec = {}
    for j = 0, pre.n - 1 do
      for k = 1, node.size_in do
        local acc = 0
        for q = 1, d do acc = acc + dec[j * d + q] * T[k][q] end
        r.dec[j * node.size_in + k] = acc
      end
    end
    r.rec, r.next = ap.record(pre.pop, "spikes"), 1
  elseif getmetatable(pre) == Node then
    if o.func then fail(3, "nef.connect: func applies to ensembles") end
    r.src = pre
    r.T = transform_matrix(o.transform, node.size_in,
                           #pre:value_at(ap.now() + ap.dt()))
    pre:start()
  else
    fail(3, "nef.connect: the pre object must be an ensemble or a node")
  end
  node.inputs[#node.inputs + 1] = r
  node:start()
  return setmetatable({ pre = pre, post = node, synapse = tau }, Connection)
end

function nef.connect(pre, post, o)
  o = o or {}
  check_keys(o, connect_keys, "nef.connect")
  if getmetatable(post) == Connection and post.learning then
    return connect_error(pre, post, o)
  end
  if o.to_neurons then
    -- straight into the neurons' input current (Nengo's ens.neurons):
    -- J_i += transform * value, a node of one value (inhibition)
    if getmetatable(pre) ~= Node or getmetatable(post) ~= Ensemble then
      fail(2, "nef.connect: to_neurons connects a node to an ensemble")
    end
    local v = pre:value_at(ap.now() + ap.dt())
    if #v ~= 1 or type(o.transform) ~= "number" then
      fail(2, "nef.connect: to_neurons takes a node of one value and a number "
              .. "as transform")
    end
    local E = {}
    for i = 1, post.n do E[i] = o.transform end
    local c = setmetatable({ pre = pre, post = post, synapse = o.synapse or 5.0,
                             T = { { 1 } } }, Connection)
    c.decoded = ap.decoded{ post = post.pop, port = "J", dims = 1, encoders = E,
                            tau = c.synapse }
    c.post = { dimensions = 1 }
    pre.conns[#pre.conns + 1] = c
    pre:start()
    return c
  end
  if getmetatable(post) == Node then return connect_to_node(pre, post, o) end
  if getmetatable(post) ~= Ensemble then
    fail(2, "nef.connect: the post object must be an ensemble or a node")
  end
  local tau = o.synapse
  if tau == nil then tau = 5.0 end
  if type(tau) ~= "number" or tau < 0 then
    fail(2, "nef.connect: synapse must be a time constant in ms >= 0")
  end
  local reg = o.reg or 0.1
  if type(o.solver) == "table" then reg = o.solver.reg or reg end
  local E = scaled_encoders(post)
  local D = post.dimensions
  local c = setmetatable({ pre = pre, post = post, synapse = tau }, Connection)
  if getmetatable(pre) == Node then
    if o.func then fail(2, "nef.connect: func applies to ensembles; a node's "
                          .. "output function is its own") end
    local v = pre:value_at(ap.now() + ap.dt())
    c.T = transform_matrix(o.transform, D, #v)
    c.decoded = ap.decoded{ post = post.pop, port = "J", dims = D,
                            encoders = E, tau = tau }
    pre.conns[#pre.conns + 1] = c
    pre:start()
    return c
  end
  if getmetatable(pre) ~= Ensemble then
    fail(2, "nef.connect: the pre object must be an ensemble or a node")
  end
  local dec, d, rmse = pre:solve(o.func, reg)
  local T = transform_matrix(o.transform, D, d)
  -- fold the transform into the decoders: n_pre x D
  local Dd = {}
  for j = 0, pre.n - 1 do
    for r = 1, D do
      local acc = 0
      for k = 1, d do acc = acc + dec[j * d + k] * T[r][k] end
      Dd[j * D + r] = acc
    end
  end
  c.decoders, c.rmse, c.T = Dd, rmse, T
  -- a backend that cannot decode populations (a chip) gets synapses
  local weights = o.weights or o.learning or not ap.backend_can("decoded")
  if o.learning ~= nil and getmetatable(o.learning) ~= Pes then
    fail(2, "nef.connect: learning must be nef.pes{ ... }")
  end
  if o.learning and D > 8 then
    fail(2, "nef.connect: PES learns connections of at most 8 dimensions")
  end
  if weights then
    if pre.neuron ~= "lif" then
      fail(2, "nef.connect: weights = true needs spiking neurons before it")
    end
    -- W_ji = sum_k Dd_jk E_ik, in pairs order (pre, then post)
    local W = {}
    for j = 0, pre.n - 1 do
      for i = 0, post.n - 1 do
        local acc = 0
        for k = 1, D do acc = acc + Dd[j * D + k] * E[i * D + k] end
        W[j * post.n + i + 1] = acc
      end
    end
    local port = port_for(post, tau)
    local spec = { weight = 0, delay = ap.dt(), port = port }
    if o.learning then
      n_pes = n_pes + 1
      c.learning, c.mods = o.learning, {}
      for k = 1, D do
        c.mods[k] = ap.modulator(string.format("nef_pes%d_%d", n_pes, k),
                                 { tau = o.learning.error_synapse, baseline = 0 })
      end
      spec.learning = { "pes", learning_rate = o.learning.learning_rate,
                        pre_synapse = o.learning.pre_synapse }
      spec.modulator = c.mods
      if not ap.backend_can("decoded") then
        -- a chip stores weights in a fixed range: four times the largest
        -- weight of the identity (in the dimensions both sides have)
        local id, di = pre:solve(nil, reg)
        local big = 0
        for j = 0, pre.n - 1 do
          for i = 0, post.n - 1 do
            local acc = 0
            for k = 1, math.min(di, D) do acc = acc + id[j * di + k] * E[i * D + k] end
            big = math.max(big, math.abs(acc))
          end
        end
        spec.learning.Wmin, spec.learning.Wmax = -4 * big, 4 * big
      end
    end
    c.proj = ap.connect(pre.pop, post.pop, "all_to_all", spec)
    c.proj:set_weights(W)
    if o.learning then
      for k = 1, D do
        local col = {}
        for i = 0, post.n - 1 do col[i + 1] = E[i * D + k] end
        c.proj:set_rule_var("alpha" .. k, col)
      end
    end
    return c
  end
  c.decoded = ap.decoded{ pre = pre.pop, post = post.pop, port = "J", dims = D,
                          decoders = Dd, encoders = E, tau = tau,
                          rate_var = pre.neuron == "lif_rate" and "activity" or nil }
  return c
end

function Connection:__tostring()
  return string.format("Connection (%s, synapse %g ms)",
                       self.proj and "weights" or "decoded", self.synapse)
end

-- ----------------------------------------------------------------- probes

local Probe = {}
Probe.__index = Probe
Probe.__name = "apical.nef.Probe"

function nef.probe(obj, o)
  o = o or {}
  check_keys(o, set{ "synapse", "interval", "func" }, "nef.probe")
  local dt = ap.dt()
  local p = setmetatable({ obj = obj, synapse = o.synapse,
                           interval = o.interval or dt, t0 = ap.now() }, Probe)
  local k = p.interval / dt
  if k < 1 or math.abs(k - math.floor(k + 0.5)) > 1e-9 then
    fail(2, "nef.probe: interval must be a multiple of dt = %g ms", dt)
  end
  p.every = math.floor(k + 0.5)
  if getmetatable(obj) == Ensemble then
    if obj.neuron == "lif" then
      p.rec = ap.record(obj.pop, "spikes")
    else -- rate neurons: their activity every step
      p.act = ap.record(obj.pop, "activity", { interval = dt })
    end
    p.dec, p.dims = obj:solve(o.func)
  elseif getmetatable(obj) == Node then
    if o.func then fail(2, "nef.probe: func applies to ensembles") end
    obj:start()
    p.from = 1
    while obj.log_t[p.from] and obj.log_t[p.from] <= p.t0 + 1e-9 do
      p.from = p.from + 1
    end
  else
    fail(2, "nef.probe: can probe an ensemble or a node")
  end
  return p
end

-- The raw decoded value per step since the probe was made.
local function decoded_steps(p)
  local dt, D = ap.dt(), p.dims
  local steps = math.floor((ap.now() - p.t0) / dt + 0.5)
  local u = {}
  for s = 1, steps * D do u[s] = 0.0 end
  if p.act then -- rates: decoders times activities, sample by sample
    local v = p.act:values() -- v[i][s]: neuron i at sample s
    for i, row in ipairs(v) do
      for s = 1, math.min(#row, steps) do
        local a = row[s]
        if a ~= 0 then
          for k = 1, D do
            u[(s - 1) * D + k] = u[(s - 1) * D + k] + p.dec[(i - 1) * D + k] * a
          end
        end
      end
    end
    return u, steps
  end
  local times, who = p.rec:times(), p.rec:senders()
  local per_s = 1000.0 / dt
  for i = 1, #times do
    local s = math.floor((times[i] - p.t0) / dt + 0.5) -- 1-based step
    local j = who[i] - 1
    for k = 1, D do
      u[(s - 1) * D + k] = u[(s - 1) * D + k] + p.dec[j * D + k] * per_s
    end
  end
  return u, steps
end

-- Sample times (ms) and values (one table of values per sample).
function Probe:times()
  local _, data_t = self:collect()
  return data_t
end

function Probe:data()
  local v = self:collect()
  return v
end

-- The raw value of each step (a table per step) and its time (ms).
local function raw_steps(p)
  local dt, rows, ts = ap.dt(), {}, {}
  if p.rec or p.act then
    local u, steps = decoded_steps(p)
    local D = p.dims
    for s = 1, steps do
      local r = {}
      for k = 1, D do r[k] = u[(s - 1) * D + k] end
      rows[s], ts[s] = r, p.t0 + s * dt
    end
  else
    local node = p.obj
    for i = p.from, #node.log_t do
      if node.log_t[i] > ap.now() + 1e-9 then break end
      rows[#rows + 1], ts[#ts + 1] = node.log_v[i], node.log_t[i]
    end
  end
  return rows, ts
end

-- Filtered through the probe's synapse (Nengo's low-pass) and sampled
-- every `interval`.
function Probe:collect()
  local raw, ts = raw_steps(self)
  local keep = 0
  if self.synapse and self.synapse > 0 then keep = math.exp(-ap.dt() / self.synapse) end
  local rows, times, y = {}, {}, {}
  for s, x in ipairs(raw) do
    for k = 1, #x do y[k] = keep * (y[k] or 0) + (1 - keep) * x[k] end
    if s % self.every == 0 then
      local row = {}
      for k = 1, #x do row[k] = y[k] end
      rows[#rows + 1], times[#times + 1] = row, ts[s]
    end
  end
  return rows, times
end

-- ------------------------------------------------------------- networks

-- A communication channel: a -> b, identity.
function nef.channel(o)
  o = o or {}
  local a = nef.ensemble{ n = o.n or 100, dimensions = o.dimensions or 1,
                          label = "channel a" }
  local b = nef.ensemble{ n = o.n or 100, dimensions = o.dimensions or 1,
                          label = "channel b" }
  local c = nef.connect(a, b, { synapse = o.synapse, weights = o.weights })
  return { input = a, output = b, connection = c }
end

-- An integrator (Nengo's networks.Integrator): an ensemble fed back on
-- itself through tau; input connected with transform tau (in seconds, as
-- the input is a rate of change per second) and the same synapse.
function nef.integrator(o)
  o = o or {}
  local tau = o.tau or 100.0
  local D = o.dimensions or 1
  local ens = nef.ensemble{ n = o.n or 100, dimensions = D,
                            radius = o.radius, label = "integrator" }
  local rec = nef.connect(ens, ens, { synapse = tau, weights = o.weights })
  local net = { ensemble = ens, recurrent = rec, tau = tau }
  function net.input(src, co)
    co = co or {}
    local scale = tau * 1e-3
    local T = co.transform
    if T == nil then T = scale
    elseif type(T) == "number" then T = T * scale
    else
      local M = {}
      for r, row in ipairs(T) do
        M[r] = {}
        for k, x in ipairs(row) do M[r][k] = x * scale end
      end
      T = M
    end
    return nef.connect(src, ens, { synapse = tau, transform = T,
                                   weights = co.weights })
  end
  return net
end

-- A product of two vectors, element by element (Nengo's networks.Product,
-- as Nengo 3 builds it): for each dimension two 1-D ensembles of n / 2
-- neurons, radius input_magnitude sqrt(2), representing (a + b) / sqrt(2)
-- and (a - b) / sqrt(2); the product is half the difference of their
-- squares.  net.input_a(src [, opts]) and net.input_b connect a source
-- (opts.synapse, default 5 ms); net.probe{ synapse = } gives a probe of
-- the product with times() and data().
function nef.product(o)
  o = o or {}
  local n, D = o.n or 200, o.dimensions or 1
  local radius = (o.input_magnitude or 1.0) * math.sqrt(2)
  local half = math.max(1, n // 2)
  local net = { sq1 = {}, sq2 = {}, dimensions = D }
  for i = 1, D do
    net.sq1[i] = nef.ensemble{ n = half, dimensions = 1, radius = radius,
                               label = "product sq1 " .. i }
    net.sq2[i] = nef.ensemble{ n = half, dimensions = 1, radius = radius,
                               label = "product sq2 " .. i }
  end
  local tr = 1 / math.sqrt(2)
  -- row i of a D-wide source, scaled
  local function row(i, scale)
    local r = {}
    for k = 1, D do r[k] = (k == i) and scale or 0 end
    return { r }
  end
  local function input(sign)
    return function(src, co)
      co = co or {}
      for i = 1, D do
        nef.connect(src, net.sq1[i], { transform = row(i, tr), synapse = co.synapse })
        nef.connect(src, net.sq2[i], { transform = row(i, sign * tr), synapse = co.synapse })
      end
    end
  end
  net.input_a, net.input_b = input(1), input(-1)
  function net.probe(po)
    po = po or {}
    local square = function(x) return x[1] * x[1] end
    local p1, p2 = {}, {}
    for i = 1, D do
      p1[i] = nef.probe(net.sq1[i], { func = square, synapse = po.synapse,
                                      interval = po.interval })
      p2[i] = nef.probe(net.sq2[i], { func = square, synapse = po.synapse,
                                      interval = po.interval })
    end
    local pr = {}
    function pr.times() return p1[1]:times() end
    function pr.data()
      local rows = {}
      for i = 1, D do
        local a, b = p1[i]:data(), p2[i]:data()
        for s = 1, #a do
          rows[s] = rows[s] or {}
          rows[s][i] = 0.5 * a[s][1] - 0.5 * b[s][1]
        end
      end
      return rows
    end
    return pr
  end
  return net
end

-- An oscillator: a 2-D ensemble with a rotating recurrent transform
-- ([[1, 1], [-1, 1]] through 100 ms: omega = 10 rad/s, about 1.6 Hz).
function nef.oscillator(o)
  o = o or {}
  local tau = o.tau or 100.0
  local ens = nef.ensemble{ n = o.n or 200, dimensions = 2,
                            radius = o.radius, label = "oscillator" }
  local T = o.transform or { { 1, 1 }, { -1, 1 } }
  local rec = nef.connect(ens, ens, { synapse = tau, transform = T,
                                      weights = o.weights })
  return { ensemble = ens, recurrent = rec, tau = tau }
end

return nef
