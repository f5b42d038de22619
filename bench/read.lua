-- bench/read.lua: wrk reads room "big" with after=: every request asks
-- for the messages after AFTER (the newest but one: each read returns one
-- message, what a polling client gets), at most LIMIT (default the
-- relay's 100). With SPREAD=K, each request asks after AFTER - r for a
-- random r in 0..K-1 instead (and LIMIT=1), so that consecutive requests
-- differ and the relay's reply cache cannot answer them: every one is a
-- real query and a fresh JSON encoding. Environment: BENCH_DIR, AFTER,
-- LIMIT, SPREAD.
function init(args)
	local f = io.open(os.getenv("BENCH_DIR") .. "/big.alice.token")
	token = f:read("*l")
	f:close()
	after = tonumber(os.getenv("AFTER"))
	spread = tonumber(os.getenv("SPREAD") or "0")
	limit = os.getenv("LIMIT")
	headers = {["Authorization"] = "Bearer " .. token}
	math.randomseed(os.time() + (id or 0))
end

function request()
	local a = after
	if spread > 0 then
		a = after - math.random(0, spread - 1)
	end
	return wrk.format("GET", "/v1/rooms/big/messages?after=" .. a ..
		(limit and ("&limit=" .. limit) or ""), headers)
end
