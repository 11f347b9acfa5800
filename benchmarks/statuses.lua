-- wrk script: count responses per HTTP status, and per X-Cache-Status of a proxy in front, over
-- all threads and print them as JSON with the throughput and latency percentiles, for
-- benchmarks/load.py to read.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  cache = {}
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  local kept = headers["X-Cache-Status"]
  if kept then
    cache[kept] = (cache[kept] or 0) + 1
  end
end

local function json_counts(key)
  local total = {}
  for _, thread in ipairs(threads) do
    for name, count in pairs(thread:get(key)) do
      total[name] = (total[name] or 0) + count
    end
  end
  local parts = {}
  for name, count in pairs(total) do
    table.insert(parts, string.format('"%s": %d', tostring(name), count))
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50_ms": %.1f, "p99_ms": %.1f, "max_ms": %.1f, ' ..
    '"socket_errors": %d, "timeouts": %d, "statuses": %s, "cache": %s}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(99) / 1e3, latency.max / 1e3,
    errors.connect + errors.read + errors.write, errors.timeout, json_counts("statuses"),
    json_counts("cache")))
end
