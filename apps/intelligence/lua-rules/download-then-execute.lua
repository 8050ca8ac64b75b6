-- Download then execute: a workload fetches something with curl or wget and, within five
-- minutes, runs a program from a world-writable directory (/tmp, /dev/shm, /var/tmp). Two events
-- of one entity linked through the entity's state, which a single-event Sigma rule cannot do.
rule = {
  id = 'download-then-execute',
  title = 'Download then execute from a writable directory',
  description = 'curl or wget, then a program run from /tmp, /dev/shm or /var/tmp within 5 minutes',
  level = 'high',
  attack = { 'T1105', 'T1059.004' },
  categories = { 'process_creation' },
}

local WINDOW_NS = 5 * 60 * 1000000000
local DOWNLOADERS = { curl = true, wget = true }
local WRITABLE = { '^/tmp/', '^/dev/shm/', '^/var/tmp/' }

local function basename(path)
  return path:match('([^/]+)$') or path
end

local function writable(path)
  for _, prefix in ipairs(WRITABLE) do
    if path:find(prefix) then return true end
  end
  return false
end

function on_event(event, state)
  local image = event.Image or ''
  if DOWNLOADERS[basename(image)] then
    state.download = { time = event.time_ns, command = event.CommandLine or image, id = event.id }
    return nil
  end
  local download = state.download
  if download == nil or not writable(image) then return nil end
  state.download = nil
  local seconds = (event.time_ns - download.time) // 1000000000
  if seconds > WINDOW_NS // 1000000000 then return nil end
  return {
    explanation = string.format('%s ran %s %d s after downloading with "%s"',
      event.entity, image, seconds, download.command),
    evidence = { download = download.command, download_event = download.id, executed = image },
  }
end
