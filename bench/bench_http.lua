-- wrk script for bench_http.py: one kind of request per run, chosen by BENCH_MODE, with a unique
-- activity external id per record (run id, wrk thread, per-thread counter). Writes a JSON summary
-- (latency percentiles in microseconds, statuses, requests sent) to BENCH_OUT when done.
--
--   static       GET a static file (whitenoise): the server and WSGI floor
--   unknown_key  POST /api/activities with a well-formed but unknown key: the whole Django and ninja
--                stack and the key lookup (one indexed SELECT); stores nothing (401)
--   single       POST /api/activities, one new activity of kind BENCH_KIND (201)
--   batch        POST /api/activities/batch, BENCH_BATCH new activities (201)

local mode = os.getenv("BENCH_MODE")
local token = os.getenv("BENCH_TOKEN")
local run_id = os.getenv("BENCH_RUN_ID")
local lead_count = tonumber(os.getenv("BENCH_LEADS"))
local batch_size = tonumber(os.getenv("BENCH_BATCH"))
local static_path = os.getenv("BENCH_STATIC_PATH")
local kind = os.getenv("BENCH_KIND") or "page_view"
local out_path = os.getenv("BENCH_OUT")

local expected = ({ static = 200, unknown_key = 401, single = 201, batch = 201 })[mode]
local threads = {}
local next_thread = 0

-- Globals of each thread's own Lua state, read back in done() with thread:get().
counter = 0
sent = 0
ok = 0
bad = 0
first_bad = ""

function setup(thread)
  next_thread = next_thread + 1
  thread:set("tid", next_thread)
  table.insert(threads, thread)
end

local function activity()
  counter = counter + 1
  return string.format(
    '{"external_id":"%s-%d-%d","kind":"%s","occurred_at":"2026-01-15T10:00:00Z",'
      .. '"lead_external_id":"bench-lead-%d","detail":"/pricing"}',
    run_id, tid, counter, kind, counter % lead_count
  )
end

local function post(path, key, body)
  return wrk.format("POST", path, {
    ["Host"] = "127.0.0.1",
    ["Authorization"] = "Bearer " .. key,
    ["Content-Type"] = "application/json",
  }, body)
end

function request()
  sent = sent + 1
  if mode == "static" then
    return wrk.format("GET", static_path, { ["Host"] = "127.0.0.1" })
  elseif mode == "unknown_key" then
    return post("/api/activities", "acc_unknownunknownunknownunknownunknown00000", activity())
  elseif mode == "single" then
    return post("/api/activities", token, activity())
  else
    local records = {}
    for i = 1, batch_size do
      records[i] = activity()
    end
    return post("/api/activities/batch", token, '{"records":[' .. table.concat(records, ",") .. "]}")
  end
end

function response(status, headers, body)
  if status == expected then
    ok = ok + 1
  else
    bad = bad + 1
    if first_bad == "" then
      first_bad = tostring(status) .. " " .. string.sub(body or "", 1, 300)
    end
  end
end

local function json_string(text)
  return '"' .. string.gsub(text, '[%c"\\]', function(c)
    return string.format("\\u%04x", string.byte(c))
  end) .. '"'
end

function done(summary, latency, requests)
  local total_sent, total_ok, total_bad, bad_sample = 0, 0, 0, ""
  for _, thread in ipairs(threads) do
    total_sent = total_sent + thread:get("sent")
    total_ok = total_ok + thread:get("ok")
    total_bad = total_bad + thread:get("bad")
    if bad_sample == "" then
      bad_sample = thread:get("first_bad")
    end
  end
  local e = summary.errors
  local file = assert(io.open(out_path, "w"))
  file:write(string.format(
    '{"duration_us":%d,"completed":%d,"sent":%d,"ok":%d,"bad":%d,"first_bad":%s,'
      .. '"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},"non_2xx_3xx":%d,'
      .. '"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d}}',
    summary.duration, summary.requests, total_sent, total_ok, total_bad, json_string(bad_sample),
    e.connect, e.read, e.write, e.timeout, e.status,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max
  ))
  file:close()
end
