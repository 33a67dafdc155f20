-- wrk script: POST /jobs/fib with Prefer: respond-async (answered 202 once the job is journaled),
-- {"n": N} with N from FIB_N (default 1: the jobs themselves cost next to nothing).
--   bin/offload serve --journal /var/tmp/offload-journal &
--   wrk -t1 -c16 -d10s --latency -s bench/post-async.lua http://127.0.0.1:8080/jobs/fib
-- Give the service a queue.capacity above what wrk sends in a run, or the accepted jobs not yet
-- finished reach it and the rest are answered 503 (counted by wrk as non-2xx).
wrk.method = "POST"
wrk.body = '{"n": ' .. (os.getenv("FIB_N") or "1") .. '}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Prefer"] = "respond-async"

local shown = false
response = function(status, headers, body)
  if status ~= 202 and not shown then
    shown = true
    io.stderr:write("not 202: " .. status .. " " .. body .. "\n")
  end
end
