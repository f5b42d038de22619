/* test_web.c - the local web server's security checks
 * (client/web/server.c), pure functions: the Host header names exactly
 * the served address and port (DNS rebinding), an Origin (when sent) is
 * this server's, the token is compared whole, and only loopback is ever
 * bound. The same rules are tested over HTTP with curl in
 * tests/web/security.sh. */
#include <string.h>

#include "check.h"
#include "server.h"

static void test_host(void)
{
	static const char *const good[] = {"127.0.0.1:8123", "[::1]:8123"};
	static const char *const bad[] = {
		"", "127.0.0.1", "127.0.0.1:", "127.0.0.1:812", "127.0.0.1:81234", "127.0.0.1:8124",
		"localhost:8123", "evil.example:8123", "127.0.0.2:8123", "127.0.0.1:8123.",
		"127.0.0.1:8123 ", " 127.0.0.1:8123", "127.0.0.1:08123", "[::1]", "::1:8123",
		"[::2]:8123", "127.0.0.1.evil.example:8123", "127.0.0.1:8123@evil", "[::1]:+8123",
	};

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		CHECKF(web_host_ok(good[i], 8123), "%s", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECKF(!web_host_ok(bad[i], 8123), "%s", bad[i]);
	CHECK(!web_host_ok(NULL, 8123));
	CHECK(!web_host_ok("127.0.0.1:0", 0));
}

static void test_origin(void)
{
	CHECK(web_origin_ok(NULL, 8123)); /* none sent: same-origin GET */
	CHECK(web_origin_ok("http://127.0.0.1:8123", 8123));
	CHECK(web_origin_ok("http://[::1]:8123", 8123));
	CHECK(!web_origin_ok("null", 8123));
	CHECK(!web_origin_ok("", 8123));
	CHECK(!web_origin_ok("https://127.0.0.1:8123", 8123));
	CHECK(!web_origin_ok("http://127.0.0.1:8124", 8123));
	CHECK(!web_origin_ok("http://localhost:8123", 8123));
	CHECK(!web_origin_ok("http://evil.example", 8123));
	CHECK(!web_origin_ok("http://127.0.0.1:8123/", 8123));
}

static void test_token(void)
{
	char token[WEB_TOKEN_HEX + 1], other[WEB_TOKEN_HEX + 1];

	memset(token, 'a', WEB_TOKEN_HEX);
	token[WEB_TOKEN_HEX] = '\0';
	memcpy(other, token, sizeof other);
	CHECK(web_token_ok(other, token));
	other[WEB_TOKEN_HEX - 1] = 'b';
	CHECK(!web_token_ok(other, token)); /* the last character counts */
	other[WEB_TOKEN_HEX - 1] = '\0';
	CHECK(!web_token_ok(other, token)); /* a prefix is not the token */
	CHECK(!web_token_ok("", token));
	CHECK(!web_token_ok(NULL, token));
	memcpy(other, token, sizeof other);
	CHECK(!web_token_ok(strcat(strcpy((char[WEB_TOKEN_HEX + 2]){0}, other), "a"), token));
}

static void test_bind(void)
{
	CHECK(web_bind_ok("127.0.0.1"));
	CHECK(web_bind_ok("::1"));
	CHECK(!web_bind_ok("0.0.0.0"));
	CHECK(!web_bind_ok("::"));
	CHECK(!web_bind_ok("192.168.1.2"));
	CHECK(!web_bind_ok("localhost"));
	CHECK(!web_bind_ok(""));
	CHECK(!web_bind_ok(NULL));
}

int main(void)
{
	test_host();
	test_origin();
	test_token();
	test_bind();
	return check_summary("test_web");
}
