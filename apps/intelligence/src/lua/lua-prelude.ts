// The Lua code intelligence runs in each script's state before the script: it closes the sandbox
// (removes what scripts may not call) and returns the dispatcher the host calls per event.

/** Lua source run with the full base library before the sandbox is closed; returns the dispatcher. */
export const PRELUDE = `
local G, type, pairs, error, tostring, rawget = _G, type, pairs, error, tostring, rawget
local sort, concat, gsub = table.sort, table.concat, string.gsub
for _, name in pairs({ 'load', 'loadfile', 'dofile', 'collectgarbage', 'print', 'require' }) do
  G[name] = nil
end
string.dump = nil
-- A finalizer would run during the host's own allocations, outside any budget: none may be set.
local setmetatable = setmetatable
G.setmetatable = function(t, mt)
  if type(mt) == 'table' and rawget(mt, '__gc') ~= nil then
    error('__gc metamethods are not allowed in rule scripts', 2)
  end
  return setmetatable(t, mt)
end
local states = {}
local function clean(value)
  return (gsub(tostring(value), '[%z\\30\\31]', ' '))
end
-- Calls on_event(event, state) with the entity's state table and flattens the finding it returns.
return function(event, key, evict)
  if evict then states[evict] = nil end
  local state = states[key]
  if state == nil then
    state = {}
    states[key] = state
  end
  local handler = rawget(G, 'on_event')
  if type(handler) ~= 'function' then error('on_event is not a function', 0) end
  local finding = handler(event, state)
  if finding == nil or finding == false then return nil end
  if type(finding) ~= 'table' then
    error('on_event returned a ' .. type(finding) .. ', expected nil or a finding table', 0)
  end
  local explanation = finding.explanation
  if type(explanation) ~= 'string' or explanation == '' then
    error('finding.explanation: expected a non-empty string', 0)
  end
  local attack = finding.attack
  if attack ~= nil and type(attack) ~= 'table' then error('finding.attack: expected a list of technique ids', 0) end
  local evidence = finding.evidence
  if evidence ~= nil and type(evidence) ~= 'table' then error('finding.evidence: expected a table of name = value', 0) end
  local names = {}
  for name in pairs(evidence or {}) do names[#names + 1] = clean(name) end
  sort(names)
  local pairs_out = {}
  for i, name in pairs(names) do pairs_out[i] = name .. '\\31' .. clean(evidence[name]) end
  local techniques = {}
  for i, id in pairs(attack or {}) do techniques[#techniques + 1] = clean(id) end
  return explanation, clean(finding.severity or ''), concat(techniques, '\\31'),
    concat(pairs_out, '\\30'), clean(finding.title or ''), clean(finding.entity or '')
end
`;
