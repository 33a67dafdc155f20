-- wrk script: POST /jobs/fib with {"n": N}, N from the FIB_N environment variable (default 15).
--   FIB_N=27 wrk -t1 -c16 -d8s --latency -s docs/peers/post-fib.lua http://127.0.0.1:8080/jobs/fib
wrk.method = "POST"
wrk.body = '{"n": ' .. (os.getenv("FIB_N") or "15") .. '}'
wrk.headers["Content-Type"] = "application/json"

-- Non-2xx answers are counted by wrk itself; this also prints the first one seen, to say why.
local shown = false
response = function(status, headers, body)
  if status >= 300 and not shown then
    shown = true
    io.stderr:write("non-2xx: " .. status .. " " .. body .. "\n")
  end
end
