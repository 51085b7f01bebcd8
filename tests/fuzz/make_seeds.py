#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/TARGET/ from the project's test data.

    tests/fuzz/make_seeds.py        # (re)writes the seeds; crash inputs already there stay

Each seed is named seed-<sha1 of its content>, so rerunning it changes nothing, and inputs that
libFuzzer found (crash-*, named by hand when added) are kept apart. A seed for a target that
groups parsers starts with the selector byte of tests/fuzz/README.md.

Sources: config files (config/, deploy/examples/, tests/unit/config/bad/), the answers the AWS
parser tests feed (tests/unit/act/aws_service_parsers_test.cpp) and tests/data/aws/, and seeds
written here for the DNS, shared-config, small-parser and API targets.
"""
import hashlib
import pathlib
import re
import struct

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "fuzz" / "corpus"

# The selector numbers each grouped target uses (keep in step with its .cpp file).
AWS_XML = [
    "route53::parse_list_resource_record_sets", "route53::parse_change_resource_record_sets",
    "route53::parse_get_change", "route53::parse_create_health_check",
    "route53::parse_get_health_check_status", "cloudfront::parse_get_distribution_config",
    "cloudfront::parse_update_distribution", "s3::parse_get_bucket_versioning",
    "s3::parse_get_bucket_replication", "autoscaling::parse_describe_auto_scaling_groups",
    "elbv2::parse_describe_target_health", "elbv2::parse_describe_target_groups",
    "rds::parse_describe_db_instances", "rds::parse_promote_read_replica", "sns::parse_publish",
    "sns::parse_create_topic", "sts::parse_get_caller_identity", "ec2::parse_describe_instances",
    "ec2::parse_describe_instance_status", "ec2::parse_create_image", "ec2::parse_copy_image",
    "ec2::parse_describe_images", "ec2::parse_describe_snapshots", "ec2::parse_return_true",
    "parse_service_error 400", "parse_service_error 503", "cloudfront edits",
]
AWS_JSON = [
    "cloudwatch::parse_get_metric_data", "cloudwatch::parse_put_dashboard", "cloudwatch::parse_get_dashboard",
    "cloudwatch::parse_describe_alarms", "dynamodb::parse_describe_table", "ecs::parse_describe_services",
    "ecs::parse_update_service", "ssm::parse_get_parameter", "ssm::parse_put_parameter", "parse_service_error",
]


def write(target: str, data: bytes) -> None:
    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    (directory / ("seed-" + hashlib.sha1(data).hexdigest())).write_bytes(data)


def selected(selector: int, payload) -> bytes:
    return bytes([selector]) + (payload.encode() if isinstance(payload, str) else payload)


def config_seeds() -> None:
    files = [ROOT / "config" / "regionguard.yaml", *sorted((ROOT / "deploy" / "examples").glob("*.yaml")),
             *sorted((ROOT / "tests" / "unit" / "config" / "bad").glob("*.yaml"))]
    for path in files:
        write("fuzz_config", path.read_bytes())


def small_parser_seeds() -> None:
    seeds = {
        0: ["0 3 * * *", "*/15 9-17 * * mon-fri", "0 0 29 2 */7", "0 0 */31 2 mon", "@weekly", "5,35 1-3/2 1,15 jan,jul 0-7"],
        1: ["500ms", "10s", "1m", "2h", "7d", "9223372036854775807ms"],
        2: ["127.0.0.1", "127.0.0.1:5353", "::1", "[::1]:53", "[2001:db8::1]:65535"],
        3: ["192.0.2.0/24", "2001:db8::/32", "10.0.0.1", "::/0"],
        4: ["dynamodb.us-east-1.amazonaws.com", "a.b.", "xn--bcher-kva.example", "_srv._tcp.example.com"],
        5: ["https://app.example.com/health", "http://[::1]:8080/x", "tcp://db.example.com:5432", "tls://h:443"],
    }
    for selector, texts in seeds.items():
        for text in texts:
            write("fuzz_small_parsers", selected(selector, text))


def dns_name(name: str) -> bytes:
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def dns_message(ident: int, flags: int, question: bytes, answers: list, authority=(), additional=()) -> bytes:
    header = struct.pack("!HHHHHH", ident, flags, 1 if question else 0, len(answers), len(authority), len(additional))
    return header + question + b"".join(answers) + b"".join(authority) + b"".join(additional)


def rr(name: bytes, rtype: int, rdata: bytes, ttl: int = 60, klass: int = 1) -> bytes:
    return name + struct.pack("!HHIH", rtype, klass, ttl, len(rdata)) + rdata


def dns_seeds() -> None:
    question = dns_name("dynamodb.us-east-1.amazonaws.com") + struct.pack("!HH", 1, 1)
    pointer = b"\xc0\x0c"  # the question's name
    a = dns_message(0x1234, 0x8180, question, [rr(pointer, 1, bytes([192, 0, 2, 10])), rr(pointer, 1, bytes([192, 0, 2, 11]))])
    cname = dns_message(7, 0x8180, question, [rr(pointer, 5, dns_name("east.example.test")),
                                              rr(dns_name("east.example.test"), 1, bytes([198, 51, 100, 7]))])
    aaaa = dns_message(8, 0x8180, dns_name("v6.example.test") + struct.pack("!HH", 28, 1),
                       [rr(pointer, 28, bytes.fromhex("20010db8000000000000000000000001"))])
    nxdomain = dns_message(9, 0x8183, question, [])
    truncated = dns_message(10, 0x8380, question, [])
    soa = rr(dns_name("example.test"), 6, dns_name("ns.example.test") + dns_name("admin.example.test") +
             struct.pack("!IIIII", 1, 3600, 600, 86400, 60))
    nodata = dns_message(11, 0x8580, question, [], authority=[soa])
    # An UPDATE answer carrying a TSIG record whose MAC is wrong: the record is read, the MAC fails.
    tsig_rdata = (dns_name("hmac-sha256") + struct.pack("!HIH", 0, 1_795_000_000, 300) + struct.pack("!H", 32) +
                  b"\x00" * 32 + struct.pack("!HHH", 0x2a00, 0, 0))
    update_answer = dns_message(0x2a00, 0xA800, b"", [], additional=[rr(dns_name("failover-key"), 250, tsig_rdata, 0, 255)])
    for message in (a, cname, aaaa, nxdomain, truncated, nodata):
        write("fuzz_dns", selected(0, message))
        write("fuzz_dns", selected(1, message))
    write("fuzz_dns", selected(2, update_answer))
    write("fuzz_dns", selected(3, update_answer))
    write("fuzz_dns", selected(2, dns_message(0x2a00, 0xA809, b"", [])))  # NOTAUTH, unsigned
    write("fuzz_dns", selected(4, "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ=="))


def raw_strings(source: str):
    """(function, text) for each `ns::parse_x(ok(R"delim(text)delim"` in the AWS parser tests."""
    pattern = re.compile(r'(\w+::parse_\w+)\(\s*ok\(\s*R"(\w*)\((.*?)\)\2"', re.S)
    for match in pattern.finditer(source):
        yield match.group(1), match.group(3)


def aws_seeds() -> None:
    source = (ROOT / "tests" / "unit" / "act" / "aws_service_parsers_test.cpp").read_text()
    for function, text in raw_strings(source):
        if function in AWS_XML:
            write("fuzz_aws_xml", selected(AWS_XML.index(function), text))
        elif function in AWS_JSON:
            write("fuzz_aws_json", selected(AWS_JSON.index(function), text))
    distribution = (ROOT / "tests" / "data" / "aws" / "distribution_config.xml").read_bytes()
    write("fuzz_aws_xml", selected(AWS_XML.index("cloudfront edits"), distribution))
    write("fuzz_aws_xml", selected(AWS_XML.index("ec2::parse_return_true"),
                                   '<DeregisterImageResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
                                   "<requestId>r-1</requestId><return>true</return></DeregisterImageResponse>"))
    errors = ['<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message>'
              "</Error><RequestId>r-2</RequestId></ErrorResponse>",
              "<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code><Message>none</Message></Error>"
              "</Errors><RequestID>r-3</RequestID></Response>"]
    for text in errors:
        write("fuzz_aws_xml", selected(AWS_XML.index("parse_service_error 400"), text))
        write("fuzz_aws_xml", selected(AWS_XML.index("parse_service_error 503"), text))
    write("fuzz_aws_json", selected(AWS_JSON.index("parse_service_error"),
                                    '{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",'
                                    '"message":"Requested resource not found"}'))


def aws_config_seeds() -> None:
    config = ("[default]\nregion = us-east-1\noutput=json\n\n[profile dr]\nregion = us-west-2\n"
              "role_arn = arn:aws:iam::123456789012:role/dr\nsource_profile = default\n"
              "s3 =\n  endpoint_url = http://localhost:4566\n  addressing_style = path\n"
              "\n[services local]\ndynamodb =\n  endpoint_url = http://localhost:8000\n"
              "# comment\n; another\n[sso-session corp]\nsso_region = eu-west-1\n")
    credentials = ("[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG\n"
                   "[dr]\naws_access_key_id=AKID2\naws_secret_access_key=secret2\naws_session_token=token2\n")
    for selector, text in ((0, config), (0, credentials), (1, config), (5, credentials)):
        write("fuzz_aws_config", selected(selector, text))
    write("fuzz_aws_config", selected(2, '{"Version": 1, "AccessKeyId": "AKIDEXAMPLE", "SecretAccessKey": "s", '
                                         '"SessionToken": "t", "Expiration": "2026-11-21T08:00:00Z"}'))
    write("fuzz_aws_config", selected(3, "/usr/bin/aws-vault exec 'dr profile' --json \"a \\\" b\" c\\ d"))
    write("fuzz_aws_config", selected(4, "20261121T075025Z"))
    write("fuzz_aws_config", selected(4, "2026-11-21T07:50:25.123+01:00"))


def api_seeds() -> None:
    requests = [
        "GET\n/api/v1/summary\n\n", "GET\n/api/v1/endpoints?status=critical&region=us-east-1\n\n",
        "GET\n/api/v1/endpoints/dynamodb.us-east-1\n\n",
        "GET\n/api/v1/endpoints/dynamodb.us-east-1/history?from=2026-01-01T00:00:00Z&to=1767229200&step=1m\n\n",
        "GET\n/api/v1/trends?from=1767225600&to=1767232800&step=4s\n\n", "GET\n/api/v1/trends?rounds=5\n\n",
        "HEAD\n/api/v1/regions\n\n", "POST\n/api/v1/probe\nT\n",
        'POST\n/api/v1/alerts/silences\nT\n{"matchers":{"service":"s3"},"duration":"1h","comment":"maintenance"}',
        "POST\n/api/v1/failover/app/plan\nT\n{\"to\":\"eu-west-1\"}", "GET\n/gate/app/us-east-1\n\n",
        "GET\n/metrics\n\n", "GET\n/healthz\n\n", "GET\n/readyz\n\n", "GET\n/\n\n", "GET\n/../../etc/passwd\n\n",
        "GET\n/api/v1/stream\n\n",
    ]
    for request in requests:
        write("fuzz_api", selected(1, request))
    for target in ("/api/v1/endpoints/a%2Fb?x=1&y=%20+z", "2026-01-01T00:00:00.5+02:00", "922720385d", "1000"):
        write("fuzz_api", selected(0, target))


if __name__ == "__main__":
    config_seeds()
    small_parser_seeds()
    dns_seeds()
    aws_seeds()
    aws_config_seeds()
    api_seeds()
    for directory in sorted(CORPUS.iterdir()):
        print(f"{directory.name}: {len(list(directory.iterdir()))} files")
