#include "http/form_parser.hpp"

#include <catch2/catch.hpp>

#include <limits>
#include <string>

using namespace runcast::http;
using namespace std::string_literals;

namespace {

constexpr std::string_view urlencoded = "application/x-www-form-urlencoded";
constexpr std::string_view json_type = "application/json";

// Fields of a parse expected to succeed; shows the error sentence when it did not.
form_fields fields_of(form_result const& result) {
  INFO("error: " << result.error);
  REQUIRE(result.fields.has_value());
  CHECK(result.error.empty());
  return *result.fields;
}

// Error of a parse expected to fail.
std::string error_of(form_result const& result) {
  REQUIRE_FALSE(result.fields.has_value());
  CHECK_FALSE(result.error.empty());
  return result.error;
}

// A multipart content type and body with one part per (headers, content) pair.
std::string multipart(std::string const& boundary,
                      std::initializer_list<std::pair<std::string, std::string>> parts) {
  std::string body;
  for (auto const& [headers, content] : parts)
    body += "--" + boundary + "\r\n" + headers + "\r\n\r\n" + content + "\r\n";
  return body + "--" + boundary + "--\r\n";
}

std::string disposition(std::string const& name) {
  return "Content-Disposition: form-data; name=\"" + name + "\"";
}

} // namespace

// -- application/x-www-form-urlencoded ---------------------------------------------------

TEST_CASE("urlencoded bodies decode '+' and percent escapes") {
  // Byte for byte what Python sends for data={'a': '1 2', 'b': 'é+&=%'}.
  auto fields = fields_of(parse_form(urlencoded, "a=1+2&b=%C3%A9%2B%26%3D%25"));
  CHECK(fields.size() == 2);
  CHECK(fields.at("a") == "1 2");
  CHECK(fields.at("b") == "é+&=%");

  fields = fields_of(parse_form(urlencoded, "x=a%20b+c&na+me=v"));
  CHECK(fields.at("x") == "a b c");
  CHECK(fields.at("na me") == "v");
}

TEST_CASE("urlencoded content type matches in any case and ignores parameters") {
  auto fields = fields_of(
    parse_form("Application/X-WWW-Form-URLEncoded ; charset=UTF-8", "k=v"));
  CHECK(fields.at("k") == "v");
}

TEST_CASE("urlencoded repeats keep the last value and empty pieces are skipped") {
  auto fields = fields_of(parse_form(urlencoded, "a=1&&a=2&flag&empty=&"));
  CHECK(fields.size() == 3);
  CHECK(fields.at("a") == "2");
  CHECK(fields.at("flag").empty());
  CHECK(fields.at("empty").empty());
  // '=' after the first one belongs to the value.
  CHECK(fields_of(parse_form(urlencoded, "eq=1=2")).at("eq") == "1=2");
}

TEST_CASE("urlencoded passes UTF-8 through whether escaped or raw") {
  auto fields = fields_of(parse_form(urlencoded, "name=Jos%C3%A9&city=Z%C3%BCrich"));
  CHECK(fields.at("name") == "José");
  CHECK(fields.at("city") == "Zürich");
  // curl -d sends these bytes unescaped; they stand for themselves.
  fields = fields_of(parse_form(urlencoded, "name=José&list=[1, 2]&emoji=😀"));
  CHECK(fields.at("name") == "José");
  CHECK(fields.at("list") == "[1, 2]");
  CHECK(fields.at("emoji") == "😀");
}

TEST_CASE("urlencoded rejects malformed input") {
  CHECK(error_of(parse_form(urlencoded, "a=%zz"))
        == "malformed percent-encoding in the form body");
  CHECK(error_of(parse_form(urlencoded, "a=%2")).find("percent-encoding") != std::string::npos);
  CHECK(error_of(parse_form(urlencoded, "a=1&b=%")).find("percent-encoding")
        != std::string::npos);
  CHECK(error_of(parse_form(urlencoded, "=x")) == "a field has an empty name");
  CHECK(error_of(parse_form(urlencoded, "a=%FF")) == "field \"a\" is not valid UTF-8");
  CHECK(error_of(parse_form(urlencoded, "%C0%AF=1")) == "a field name is not valid UTF-8");
  // A surrogate half encoded in UTF-8 is not UTF-8.
  CHECK(error_of(parse_form(urlencoded, "a=%ED%A0%80")) == "field \"a\" is not valid UTF-8");
}

TEST_CASE("urlencoded enforces the field count and name length limits") {
  std::string body;
  for (std::size_t i = 0; i < max_form_fields; ++i)
    body += "f" + std::to_string(i) + "=x&";
  CHECK(fields_of(parse_form(urlencoded, body)).size() == max_form_fields);
  CHECK(error_of(parse_form(urlencoded, body + "one_more=x")) ==
        "too many fields (the limit is 256)");

  // Repeating a single name counts every occurrence.
  std::string repeated;
  for (std::size_t i = 0; i <= max_form_fields; ++i)
    repeated += "same=x&";
  CHECK(error_of(parse_form(urlencoded, repeated)).find("too many fields") != std::string::npos);

  std::string longest(max_field_name_bytes, 'n');
  CHECK(fields_of(parse_form(urlencoded, longest + "=1")).count(longest) == 1);
  CHECK(error_of(parse_form(urlencoded, longest + "n=1"))
        == "a field name is longer than 256 bytes");
}

// -- query strings -----------------------------------------------------------------------

TEST_CASE("query strings decode like urlencoded bodies") {
  auto fields = fields_of(parse_query("a=1&b=x%20y&c=p+q"));
  CHECK(fields.at("a") == "1");
  CHECK(fields.at("b") == "x y");
  CHECK(fields.at("c") == "p q");
  CHECK(fields_of(parse_query("")).empty());
  CHECK(error_of(parse_query("a=%g0")) == "malformed percent-encoding in the query string");
}

// -- multipart/form-data -----------------------------------------------------------------

TEST_CASE("multipart bodies as Python sends them parse with file content as value") {
  // Byte for byte what Python sends for data={'a': '1 2', 'b': 'é+&'} and
  // files={'f': ('f.txt', b'line1\r\nline2', 'text/plain')}.
  auto type = "multipart/form-data; boundary=8a06dfefc017ebce4c9453c8cd1f884d";
  auto body =
    "--8a06dfefc017ebce4c9453c8cd1f884d\r\n"
    "Content-Disposition: form-data; name=\"a\"\r\n\r\n1 2\r\n"
    "--8a06dfefc017ebce4c9453c8cd1f884d\r\n"
    "Content-Disposition: form-data; name=\"b\"\r\n\r\n\xc3\xa9+&\r\n"
    "--8a06dfefc017ebce4c9453c8cd1f884d\r\n"
    "Content-Disposition: form-data; name=\"f\"; filename=\"f.txt\"\r\n"
    "Content-Type: text/plain\r\n\r\nline1\r\nline2\r\n"
    "--8a06dfefc017ebce4c9453c8cd1f884d--\r\n"s;
  auto fields = fields_of(parse_form(type, body));
  CHECK(fields.size() == 3);
  CHECK(fields.at("a") == "1 2");
  CHECK(fields.at("b") == "é+&"); // no percent- or '+'-decoding in multipart
  CHECK(fields.at("f") == "line1\r\nline2");
}

TEST_CASE("multipart accepts a quoted boundary and keeps CRLF inside values") {
  auto body = multipart("simple boundary; with=odd chars",
                        {{disposition("text"), "first line\r\nsecond line\r\n"},
                         {disposition("crlf-only"), "\r\n"},
                         {disposition("empty"), ""}});
  auto fields = fields_of(parse_form(
    "Multipart/Form-Data; charset=utf-8; boundary=\"simple boundary; with=odd chars\"", body));
  CHECK(fields.at("text") == "first line\r\nsecond line\r\n");
  CHECK(fields.at("crlf-only") == "\r\n");
  CHECK(fields.at("empty").empty());
}

TEST_CASE("multipart ignores preamble and epilogue and padding and header case") {
  auto body =
    "This is a preamble.\r\n--xyz  \r\n"
    "content-disposition: FORM-DATA; NAME=lower\r\n\r\none\r\n"
    "--xyz\r\n"
    "X-Other: ignored\r\n"
    "CONTENT-DISPOSITION:form-data;name=\"q\\\"uo\\\\te;d\";filename=\"C:\\dir\\f.txt\"\r\n"
    "\r\ntwo\r\n"
    "--xyz--\r\nThis is an epilogue.\r\n--xyz\r\n"s;
  auto fields = fields_of(parse_form("multipart/form-data; boundary=xyz", body));
  CHECK(fields.size() == 2);
  CHECK(fields.at("lower") == "one");
  CHECK(fields.at("q\"uo\\te;d") == "two");
}

TEST_CASE("multipart with only a close delimiter has no fields") {
  CHECK(fields_of(parse_form("multipart/form-data; boundary=b", "--b--\r\n")).empty());
}

TEST_CASE("multipart repeats keep the last value") {
  auto body = multipart("b", {{disposition("x"), "1"}, {disposition("x"), "2"}});
  CHECK(fields_of(parse_form("multipart/form-data; boundary=b", body)).at("x") == "2");
}

TEST_CASE("multipart rejects malformed bodies") {
  auto const type = "multipart/form-data; boundary=b"s;
  auto const part = "--b\r\n" + disposition("a") + "\r\n\r\nvalue";

  SECTION("no boundary parameter") {
    CHECK(error_of(parse_form("multipart/form-data", "--b--\r\n"))
          == "multipart/form-data needs a boundary parameter in its content type");
    CHECK(error_of(parse_form("multipart/form-data; boundary=\"\"", "--b--\r\n"))
          .find("boundary parameter") != std::string::npos);
  }
  SECTION("unterminated quoted boundary") {
    CHECK(error_of(parse_form("multipart/form-data; boundary=\"b", "--b--\r\n"))
          == "the content type is malformed");
  }
  SECTION("boundary never appears") {
    CHECK(error_of(parse_form(type, "just text"))
          == "the multipart body does not contain its boundary");
  }
  SECTION("missing closing boundary") {
    auto const expected = "the multipart body ends without a closing boundary";
    CHECK(error_of(parse_form(type, part)) == expected);
    CHECK(error_of(parse_form(type, part + "\r\n")) == expected);
    CHECK(error_of(parse_form(type, part + "\r\n--b")) == expected);
    CHECK(error_of(parse_form(type, part + "\r\n--b\r\n")) == expected);
  }
  SECTION("junk after a delimiter") {
    CHECK(error_of(parse_form(type, part + "\r\n--bjunk\r\n"))
          == "the multipart body has a malformed boundary line");
  }
  SECTION("part without a name") {
    auto body = multipart("b", {{"Content-Disposition: form-data; filename=\"f\"", "x"}});
    CHECK(error_of(parse_form(type, body)) == "a multipart part has no name");
  }
  SECTION("part without Content-Disposition") {
    CHECK(error_of(parse_form(type, multipart("b", {{"Content-Type: text/plain", "x"}})))
          == "a multipart part has no Content-Disposition header");
    CHECK(error_of(parse_form(type, "--b\r\n\r\nx\r\n--b--\r\n"))
          == "a multipart part has no Content-Disposition header");
  }
  SECTION("part that is not form-data") {
    auto body = multipart("b", {{"Content-Disposition: attachment; name=\"a\"", "x"}});
    CHECK(error_of(parse_form(type, body)) == "a multipart part is not form-data");
  }
  SECTION("part headers without a blank line") {
    CHECK(error_of(parse_form(type, "--b\r\n" + disposition("a") + "\r\n--b--\r\n"))
          == "a multipart part has no blank line after its headers");
  }
  SECTION("malformed header line") {
    auto body = multipart("b", {{disposition("a") + "\r\nno colon here", "x"}});
    CHECK(error_of(parse_form(type, body)) == "a multipart part has a malformed header line");
    body = multipart("b", {{"Content-Disposition: form-data; name=\"a", "x"}});
    CHECK(error_of(parse_form(type, body))
          == "a multipart part has a malformed Content-Disposition header");
  }
  SECTION("binary file content is not a text field") {
    auto body = multipart("b", {{disposition("f") + "; filename=\"f.bin\"", "\xff\xfe\x00"s}});
    CHECK(error_of(parse_form(type, body)) == "field \"f\" is not valid UTF-8");
  }
  SECTION("too many parts") {
    std::string body;
    for (std::size_t i = 0; i <= max_form_fields; ++i)
      body += "--b\r\n" + disposition("f" + std::to_string(i)) + "\r\n\r\nx\r\n";
    CHECK(error_of(parse_form(type, body + "--b--")).find("too many fields")
          != std::string::npos);
  }
  SECTION("name too long") {
    auto body = multipart("b", {{disposition(std::string(max_field_name_bytes + 1, 'n')), "x"}});
    CHECK(error_of(parse_form(type, body)) == "a field name is longer than 256 bytes");
  }
}

// -- application/json --------------------------------------------------------------------

TEST_CASE("JSON objects become fields with scalars and nested values as text") {
  auto body = R"({"s": "plain", "u": "Zürich \u00e9", "t": true, "f": false, "i": 42,
                  "neg": -7, "d": 0.5, "big": 12345678901234567890, "n": null,
                  "arr": [1, "a", null], "obj": {"k": {"z": [ ]}}, "empty": ""})";
  auto fields = fields_of(parse_form(json_type, body));
  CHECK(fields.size() == 11);
  CHECK(fields.at("s") == "plain");
  CHECK(fields.at("u") == "Zürich é");
  CHECK(fields.at("t") == "true");
  CHECK(fields.at("f") == "false");
  CHECK(fields.at("i") == "42");
  CHECK(fields.at("neg") == "-7");
  CHECK(fields.at("d") == "0.5");
  CHECK(fields.at("big") == "12345678901234567890");
  CHECK(fields.count("n") == 0);
  CHECK(fields.at("arr") == R"([1,"a",null])");
  CHECK(fields.at("obj") == R"({"k":{"z":[]}})");
  CHECK(fields.at("empty").empty());
}

TEST_CASE("JSON content type matches in any case and ignores parameters") {
  CHECK(fields_of(parse_form("Application/JSON; charset=utf-8", R"({"a":"b"})")).at("a")
        == "b");
}

TEST_CASE("JSON repeats keep the last value") {
  CHECK(fields_of(parse_form(json_type, R"({"a": 1, "a": 2})")).at("a") == "2");
}

TEST_CASE("JSON bodies that are not one object are rejected") {
  CHECK(error_of(parse_form(json_type, "[1, 2]")) == "a JSON body must be an object");
  CHECK(error_of(parse_form(json_type, R"("text")")) == "a JSON body must be an object");
  CHECK(error_of(parse_form(json_type, "5")) == "a JSON body must be an object");
  CHECK(error_of(parse_form(json_type, "null")) == "a JSON body must be an object");
  CHECK(error_of(parse_form(json_type, R"({"a": 1)"))
        .find("the body is not valid JSON (error at byte") == 0);
  CHECK(error_of(parse_form(json_type, "a=1")).find("not valid JSON") != std::string::npos);
  CHECK(error_of(parse_form(json_type, R"({"a": 1} {"b": 2})")).find("not valid JSON")
        != std::string::npos);
  CHECK(error_of(parse_form(json_type, "{\"a\": \"\xff\"}")).find("not valid JSON")
        != std::string::npos);
  CHECK(error_of(parse_form(json_type, R"({"a": 1e999})"))
        == "the body is not valid JSON (a number is out of range)");
  CHECK(error_of(parse_form(json_type, R"({"": 1})")) == "a field has an empty name");
}

TEST_CASE("JSON nesting depth is bounded") {
  auto nested = [](std::size_t levels) {
    // `levels` containers in all, the outer object included.
    return R"({"a":)" + std::string(levels - 1, '[') + std::string(levels - 1, ']') + "}";
  };
  CHECK(fields_of(parse_form(json_type, nested(max_json_depth))).count("a") == 1);
  CHECK(error_of(parse_form(json_type, nested(max_json_depth + 1)))
        == "the JSON body nests deeper than 64 levels");
  // Deep enough to overflow the stack if anything recursed over it.
  CHECK(error_of(parse_form(json_type, nested(500'000))).find("deeper") != std::string::npos);
}

TEST_CASE("JSON enforces the field count and name length limits") {
  std::string body = "{";
  for (std::size_t i = 0; i <= max_form_fields; ++i)
    body += (i ? "," : "") + ("\"f" + std::to_string(i) + "\":1");
  CHECK(error_of(parse_form(json_type, body + "}")).find("too many fields")
        != std::string::npos);
  auto name = std::string(max_field_name_bytes + 1, 'n');
  CHECK(error_of(parse_form(json_type, "{\"" + name + "\":1}"))
        == "a field name is longer than 256 bytes");
}

// -- content types -----------------------------------------------------------------------

TEST_CASE("an empty body has no fields whatever its content type") {
  for (auto type : {""s, "text/plain"s, "application/json"s, "multipart/form-data"s,
                    std::string(urlencoded), "garbage; \"unterminated"s})
    CHECK(fields_of(parse_form(type, "")).empty());
}

TEST_CASE("an unsupported content type with a body is rejected") {
  CHECK(error_of(parse_form("text/plain; charset=utf-8", "a=1"))
        == "unsupported content type \"text/plain\"; send "
           "application/x-www-form-urlencoded, multipart/form-data or application/json");
  CHECK(error_of(parse_form("", "a=1")).find("unsupported content type (none)") == 0);
  CHECK(error_of(parse_form("application/jsonx", "{}")).find("unsupported content type")
        == 0);
}

// -- scalar parsers ----------------------------------------------------------------------

TEST_CASE("parse_bool reads the usual spellings in any case") {
  for (auto yes : {"true", "TRUE", "True", "1", "yes", "Yes", "on", "ON", "  true ", "\tyes"})
    CHECK(parse_bool(yes) == std::optional<bool>{true});
  for (auto no : {"false", "False", "0", "no", "NO", "off", "Off", " 0 "})
    CHECK(parse_bool(no) == std::optional<bool>{false});
  for (auto bad : {"", "   ", "t", "f", "2", "truee", "yes please", "-1", "o n", "nope"})
    CHECK_FALSE(parse_bool(bad).has_value());
}

TEST_CASE("parse_int64 is strict") {
  CHECK(parse_int64("0") == std::optional<std::int64_t>{0});
  CHECK(parse_int64("42") == std::optional<std::int64_t>{42});
  CHECK(parse_int64("-1") == std::optional<std::int64_t>{-1});
  CHECK(parse_int64("-0") == std::optional<std::int64_t>{0});
  CHECK(parse_int64("007") == std::optional<std::int64_t>{7});
  CHECK(parse_int64("9223372036854775807")
        == std::optional<std::int64_t>{std::numeric_limits<std::int64_t>::max()});
  CHECK(parse_int64("-9223372036854775808")
        == std::optional<std::int64_t>{std::numeric_limits<std::int64_t>::min()});
  for (auto bad : {"", " 5", "5 ", "+5", "-", "--1", "9223372036854775808",
                   "-9223372036854775809", "99999999999999999999", "1e3", "1.0", "0x10",
                   "abc", "12abc", "1_000"})
    CHECK_FALSE(parse_int64(bad).has_value());
}
