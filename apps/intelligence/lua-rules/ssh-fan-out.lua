-- SSH fan-out: one workload opens SSH connections to five or more distinct hosts within a
-- minute (lateral movement, or a worm looking for its next host). The entity's state keeps the
-- hosts of the current minute.
rule = {
  id = 'ssh-fan-out',
  title = 'SSH connections to many hosts from one workload',
  description = 'outbound connections to port 22 on 5 or more distinct hosts within 60 s',
  level = 'medium',
  attack = { 'T1021.004' },
  categories = { 'network_connection' },
}

local THRESHOLD = 5
local WINDOW_NS = 60 * 1000000000

function on_event(event, state)
  -- Initiated is text, as Sigma reads it: 'true' for outbound connections.
  if event.DestinationPort ~= 22 or event.Initiated ~= 'true' then return nil end
  if state.start == nil or event.time_ns - state.start > WINDOW_NS then
    state.start, state.hosts, state.count, state.reported = event.time_ns, {}, 0, false
  end
  local ip = event.DestinationIp
  if ip ~= nil and not state.hosts[ip] then
    state.hosts[ip] = true
    state.count = state.count + 1
  end
  if state.count < THRESHOLD or state.reported then return nil end
  state.reported = true
  local hosts = {}
  for host in pairs(state.hosts) do hosts[#hosts + 1] = host end
  table.sort(hosts)
  return {
    explanation = string.format('%s opened SSH connections to %d hosts within %d s: %s',
      event.entity, state.count, (event.time_ns - state.start) // 1000000000,
      table.concat(hosts, ', ')),
    evidence = { hosts = table.concat(hosts, ' '), count = state.count },
  }
end
