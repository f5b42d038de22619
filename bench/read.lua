-- bench/read.lua: wrk reads room "big" with after=: every request asks
-- for the messages after AFTER (default: the newest but one, so each
-- read returns one message, what a polling client gets), at most LIMIT
-- (default the relay's 100). Environment: BENCH_DIR, AFTER, LIMIT.
function init(args)
	local f = io.open(os.getenv("BENCH_DIR") .. "/big.alice.token")
	token = f:read("*l")
	f:close()
	path = "/v1/rooms/big/messages?after=" .. os.getenv("AFTER") ..
		(os.getenv("LIMIT") and ("&limit=" .. os.getenv("LIMIT")) or "")
end

function request()
	return wrk.format("GET", path, {["Authorization"] = "Bearer " .. token})
end
