-- bench/post.lua: wrk posts 300-byte-ciphertext messages to room
-- "bench". Every request is a fresh message: member (token) and counter
-- rotate so that a member's next post is issued only after `per` other
-- posts of its thread, far more than the thread's connections, so each
-- member's counters reach the relay in order (the relay refuses a counter
-- not above the last: 409). Environment: BENCH_DIR (bench/setup.sh's
-- files), BENCH_THREADS (wrk -t), COUNTER_BASE (above any counter used
-- before, e.g. the time in ms).
local threads = {}

function setup(thread)
	thread:set("id", #threads)
	table.insert(threads, thread)
end

function init(args)
	local dir = os.getenv("BENCH_DIR")
	tokens = {}
	for line in io.lines(dir .. "/tokens") do
		tokens[#tokens + 1] = line
	end
	local f = io.open(dir .. "/msg.json")
	local t = f:read("*a"):gsub("%s+$", "")
	f:close()
	local a, b = t:find('"counter":1,', 1, true)
	prefix, suffix = t:sub(1, a - 1), t:sub(b + 1)
	per = math.floor(#tokens / tonumber(os.getenv("BENCH_THREADS")))
	base = tonumber(os.getenv("COUNTER_BASE"))
	n = 0
end

function request()
	local member = id * per + (n % per) + 1
	local counter = base + math.floor(n / per) + 1
	n = n + 1
	return wrk.format("POST", "/v1/rooms/bench/messages",
		{["Authorization"] = "Bearer " .. tokens[member],
		 ["Content-Type"] = "application/json"},
		prefix .. '"counter":' .. counter .. ',' .. suffix)
end
