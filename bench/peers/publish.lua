-- bench/peers/publish.lua: wrk publishes to nchan's channel "bench"
-- (bench/peers/nchan.conf.in) the very body the relay's post load sends
-- (BENCH_DIR/msg.json, from bench/setup.sh): same bytes on the wire, no
-- token (nchan does no authentication).
function init(args)
	local f = io.open(os.getenv("BENCH_DIR") .. "/msg.json")
	body = f:read("*a"):gsub("%s+$", "")
	f:close()
end

function request()
	return wrk.format("POST", "/pub/bench", {["Content-Type"] = "application/json"}, body)
end
