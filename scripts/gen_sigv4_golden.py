#!/usr/bin/env python3
"""Writes the SigV4 golden cases in tests/data/sigv4/ from botocore, the reference signer.

Each case is one JSON file: the request as it goes on the wire (method, absolute URL with its
path and query already percent-encoded, headers in order, body), the signing inputs (region,
signing name, credentials, timestamp, options), and what botocore produced for it: canonical
request, string to sign, signature, Authorization header (or presigned URL) and the headers
of the signed request. tests/unit/act/sigv4_test.cpp checks every file it finds.

The timestamp is fixed by patching botocore.auth.get_current_datetime, which is what
SigV4Auth.add_auth reads; request.context['timestamp'] would be overwritten by add_auth.

It also writes tests/data/sigv4/endpoints.json: for each service regionguard calls and a few
regions, the endpoint URL and signing scope botocore uses, captured from a real client
request (the endpoint ruleset, not a hand-written table).

The hand-written files aws-*.json hold AWS's published SigV4 test-suite vectors; this script
does not write them but checks that botocore agrees with them.

Run from anywhere:  python3 scripts/gen_sigv4_golden.py
Needs botocore (and boto3 for endpoints.json). Deterministic: a second run changes nothing.
"""

from __future__ import annotations

import datetime
import json
import re
import sys
from pathlib import Path
from unittest import mock

import botocore
import botocore.auth
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.utils import percent_encode, percent_encode_sequence

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "sigv4"

AK = "AKIDEXAMPLE"
SK = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = (
    "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDexample+token/with=base64"
)
WHEN = datetime.datetime(2026, 11, 21, 7, 5, 5)  # 20261121T070505Z


def url_of(base: str, path: str, query: list[tuple[str, str]] | None = None) -> str:
    """The wire URL botocore's serializers would build: path and query percent-encoded once."""
    url = base + percent_encode(path, safe="/~")
    if query:
        url += "?" + percent_encode_sequence(query)
    return url


def capture(signer_cls):
    """A subclass of signer_cls that records the intermediate products of one signing."""

    class Capturing(signer_cls):
        def canonical_request(self, request):
            cr = super().canonical_request(request)
            self.captured_canonical_request = cr
            return cr

        def string_to_sign(self, request, canonical_request):
            sts = super().string_to_sign(request, canonical_request)
            self.captured_string_to_sign = sts
            return sts

        def signature(self, string_to_sign, request):
            sig = super().signature(string_to_sign, request)
            self.captured_signature = sig
            return sig

    return Capturing


SIGNERS = {
    "sigv4": SigV4Auth,
    "s3": S3SigV4Auth,
    "presign": SigV4QueryAuth,
    "s3-presign": S3SigV4QueryAuth,
}


def sign_case(case: dict) -> dict:
    inp = case["input"]
    creds = inp["credentials"]
    credentials = Credentials(
        creds["access_key_id"], creds["secret_access_key"], creds.get("session_token")
    )
    kind = inp["signer"]
    cls = capture(SIGNERS[kind])
    if kind in ("presign", "s3-presign"):
        signer = cls(credentials, inp["service"], inp["region"], expires=inp["expires"])
    else:
        signer = cls(credentials, inp["service"], inp["region"])

    request = AWSRequest(method=inp["method"], url=inp["url"], data=inp["body"].encode("utf-8"))
    for name, value in inp["headers"]:
        request.headers[name] = value  # HTTPHeaders appends: repeated names stay repeated
    if inp.get("unsigned_payload"):
        if kind == "s3":
            cfg = botocore.config.Config(s3={"payload_signing_enabled": False})
            request.context["client_config"] = cfg
        else:
            request.context["payload_signing_enabled"] = False

    stamp = datetime.datetime.strptime(inp["timestamp"], "%Y%m%dT%H%M%SZ")
    with mock.patch("botocore.auth.get_current_datetime", return_value=stamp):
        signer.add_auth(request)

    expected = {
        "canonical_request": signer.captured_canonical_request,
        "string_to_sign": signer.captured_string_to_sign,
        "signature": signer.captured_signature,
    }
    if kind in ("presign", "s3-presign"):
        expected["presigned_url"] = request.url
    else:
        auth = request.headers["Authorization"]
        expected["authorization"] = auth.decode() if isinstance(auth, bytes) else auth
    expected["signed_headers"] = [
        [k, v.decode() if isinstance(v, bytes) else v] for k, v in request.headers.items()
    ]
    return expected


def base_input(**kw) -> dict:
    inp = {
        "signer": "sigv4",
        "method": "GET",
        "url": "",
        "headers": [],
        "body": "",
        "region": "us-east-1",
        "service": "service",
        "credentials": {"access_key_id": AK, "secret_access_key": SK},
        "timestamp": WHEN.strftime("%Y%m%dT%H%M%SZ"),
    }
    inp.update(kw)
    return inp


def cases() -> list[dict]:
    token_creds = {"access_key_id": AK, "secret_access_key": SK, "session_token": TOKEN}
    route53_body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/">'
        "<ChangeBatch><Comment>regionguard failover</Comment><Changes><Change><Action>UPSERT</Action>"
        "<ResourceRecordSet><Name>app.example.com</Name><Type>A</Type><SetIdentifier>primary</SetIdentifier>"
        "<Failover>PRIMARY</Failover><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.1</Value>"
        "</ResourceRecord></ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch>"
        "</ChangeResourceRecordSetsRequest>"
    )
    return [
        {
            "name": "get-query",
            "description": "Query-protocol GET with a query string (EC2 DescribeRegions).",
            "input": base_input(
                url=url_of(
                    "https://ec2.eu-west-1.amazonaws.com",
                    "/",
                    [("Action", "DescribeRegions"), ("Version", "2016-11-15")],
                ),
                region="eu-west-1",
                service="ec2",
            ),
        },
        {
            "name": "post-json-dynamodb",
            "description": "JSON 1.0 POST with X-Amz-Target (DynamoDB ListTables).",
            "input": base_input(
                method="POST",
                url="https://dynamodb.us-west-2.amazonaws.com/",
                headers=[
                    ["X-Amz-Target", "DynamoDB_20120810.ListTables"],
                    ["Content-Type", "application/x-amz-json-1.0"],
                ],
                body='{"Limit": 10}',
                region="us-west-2",
                service="dynamodb",
            ),
        },
        {
            "name": "post-json-ssm-session-token",
            "description": "JSON 1.1 POST (SSM GetParameter) with temporary credentials: "
            "X-Amz-Security-Token is added and signed.",
            "input": base_input(
                method="POST",
                url="https://ssm.eu-west-1.amazonaws.com/",
                headers=[
                    ["X-Amz-Target", "AmazonSSM.GetParameter"],
                    ["Content-Type", "application/x-amz-json-1.1"],
                ],
                body='{"Name": "/regionguard/active-region", "WithDecryption": true}',
                region="eu-west-1",
                service="ssm",
                credentials=token_creds,
            ),
        },
        {
            "name": "post-json-cloudwatch",
            "description": "CloudWatch over JSON 1.0: the signing name is monitoring.",
            "input": base_input(
                method="POST",
                url="https://monitoring.us-east-1.amazonaws.com/",
                headers=[
                    ["Content-Type", "application/x-amz-json-1.0"],
                    ["X-Amz-Target", "GraniteServiceVersion20100801.PutMetricData"],
                    ["x-amzn-query-mode", "true"],
                ],
                body='{"Namespace": "Failover/App", "MetricData": [{"MetricName": "Latency", '
                '"Value": 12.5, "Unit": "Milliseconds"}]}',
                service="monitoring",
            ),
        },
        {
            "name": "post-route53-rrset",
            "description": "Route 53 REST-XML ChangeResourceRecordSets: trailing slash in the path, "
            "no Content-Type, signing region us-east-1.",
            "input": base_input(
                method="POST",
                url="https://route53.amazonaws.com/2013-04-01/hostedzone/Z123EXAMPLE/rrset/",
                body=route53_body,
                service="route53",
            ),
        },
        {
            "name": "post-query-form",
            "description": "Query-protocol POST with a form body (SNS Publish).",
            "input": base_input(
                method="POST",
                url="https://sns.us-west-2.amazonaws.com/",
                headers=[["Content-Type", "application/x-www-form-urlencoded; charset=utf-8"]],
                body="Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aus-west-2%3A123456789012"
                "%3Afailover&Message=region+us-east-1+is+unhealthy",
                region="us-west-2",
                service="sns",
            ),
        },
        {
            "name": "path-double-encoding",
            "description": "Non-S3 path with a space, a non-ASCII letter and a literal %41: "
            "encoded once on the wire, again in the canonical request.",
            "input": base_input(
                url=url_of("https://example.amazonaws.com", "/foo bar/ü%41"),
            ),
        },
        {
            "name": "path-dot-segments",
            "description": "Non-S3 path normalisation: dot segments removed, repeated slashes "
            "collapsed, trailing slash kept.",
            "input": base_input(
                url="https://example.amazonaws.com/a/./b/../c//d/",
            ),
        },
        {
            "name": "path-reserved-characters",
            "description": "Non-S3 path with characters that are encoded on the wire and again "
            "in the canonical request (ARN-like colon, plus, equals, tilde stays).",
            "input": base_input(
                url=url_of("https://example.amazonaws.com", "/arn:aws:x/a+b=c~d*e"),
            ),
        },
        {
            "name": "s3-path-single-encoding",
            "description": "S3 GET: the path is encoded once and used as is; "
            "x-amz-content-sha256 carries the empty-body hash.",
            "input": base_input(
                signer="s3",
                url=url_of("https://s3.eu-west-1.amazonaws.com", "/bucket/key with spaces/ü"),
                region="eu-west-1",
                service="s3",
            ),
        },
        {
            "name": "s3-path-not-normalized",
            "description": "S3 does not normalise the path: dot segments and double slashes stay.",
            "input": base_input(
                signer="s3",
                url="https://s3.us-east-1.amazonaws.com/bucket/a/../b//c",
                service="s3",
            ),
        },
        {
            "name": "s3-put-body",
            "description": "S3 PUT with a body: the payload hash is signed and sent as "
            "x-amz-content-sha256.",
            "input": base_input(
                signer="s3",
                method="PUT",
                url="https://s3.us-west-2.amazonaws.com/regionguard-state/journal/0001.json",
                headers=[["Content-Type", "application/json"]],
                body='{"generation": 7, "step": "promote-replica"}',
                region="us-west-2",
                service="s3",
            ),
        },
        {
            "name": "s3-put-unsigned-payload",
            "description": "S3 PUT with payload signing off: UNSIGNED-PAYLOAD in "
            "x-amz-content-sha256 and in the canonical request.",
            "input": base_input(
                signer="s3",
                method="PUT",
                url="https://s3.us-west-2.amazonaws.com/regionguard-state/journal/0002.json",
                body='{"generation": 8}',
                region="us-west-2",
                service="s3",
                unsigned_payload=True,
            ),
        },
        {
            "name": "query-spaces-unicode-repeated",
            "description": "Query with spaces (%20), non-ASCII, reserved characters, an empty "
            "value and a repeated key: sorted by encoded key, then value.",
            "input": base_input(
                url=url_of(
                    "https://example.amazonaws.com",
                    "/",
                    [
                        ("Param2", "value with spaces"),
                        ("b", "ü"),
                        ("a", "z"),
                        ("a", "A"),
                        ("a", "b c"),
                        ("Param1", "x/y:z&w=v"),
                        ("empty", ""),
                        ("tilde~key", "*star*"),
                    ],
                ),
            ),
        },
        {
            "name": "repeated-headers",
            "description": "The same header twice (different case): one canonical line, "
            "values joined with commas in order.",
            "input": base_input(
                url="https://example.amazonaws.com/",
                headers=[
                    ["My-Header1", "value2"],
                    ["my-header1", "value1"],
                    ["My-Header1", "value4"],
                    ["X-Other", "o"],
                ],
            ),
        },
        {
            "name": "header-whitespace",
            "description": "Header values trimmed and inner runs of spaces and tabs collapsed; "
            "unsigned hop-by-hop headers (User-Agent, Connection) left out.",
            "input": base_input(
                url="https://example.amazonaws.com/",
                headers=[
                    ["My-Header1", "   value1  "],
                    ["My-Header2", '"a   b   c"'],
                    ["My-Header3", "\tx \t y\t"],
                    ["User-Agent", "regionguard/0.1"],
                    ["Connection", "keep-alive"],
                ],
            ),
        },
        {
            "name": "post-empty-body",
            "description": "POST with no body: the payload hash is the SHA-256 of the empty string.",
            "input": base_input(
                method="POST",
                url="https://example.amazonaws.com/",
            ),
        },
        {
            "name": "get-session-token",
            "description": "Temporary credentials on a GET: X-Amz-Security-Token is a signed header.",
            "input": base_input(
                url=url_of("https://rds.us-east-1.amazonaws.com", "/",
                           [("Action", "DescribeDBInstances"), ("Version", "2014-10-31")]),
                service="rds",
                credentials=token_creds,
            ),
        },
        {
            "name": "host-with-port",
            "description": "A local endpoint on a non-default port (moto): the port is part of "
            "the host header.",
            "input": base_input(
                method="POST",
                url="http://127.0.0.1:4566/",
                headers=[
                    ["Content-Type", "application/x-amz-json-1.1"],
                    ["X-Amz-Target", "AmazonSSM.PutParameter"],
                ],
                body='{"Name": "/rg/x", "Value": "1", "Type": "String", "Overwrite": true}',
                region="eu-central-1",
                service="ssm",
            ),
        },
        {
            "name": "host-default-port",
            "description": "An explicit default port (:443) is left out of the host header.",
            "input": base_input(
                url="https://Example.AmazonAWS.com:443/",
            ),
        },
        {
            "name": "presign-get",
            "description": "Query-string presigning (non-S3) with temporary credentials: "
            "X-Amz-Security-Token goes into the query and is signed.",
            "input": base_input(
                signer="presign",
                url=url_of("https://sts.us-east-1.amazonaws.com", "/",
                           [("Action", "GetCallerIdentity"), ("Version", "2011-06-15")]),
                service="sts",
                credentials=token_creds,
                expires=900,
            ),
        },
        {
            "name": "s3-presign-get",
            "description": "S3 presigned GET: UNSIGNED-PAYLOAD, single-encoded path, one hour.",
            "input": base_input(
                signer="s3-presign",
                url=url_of("https://s3.eu-west-1.amazonaws.com", "/regionguard-reports/2026/11/report ü.html"),
                region="eu-west-1",
                service="s3",
                expires=3600,
            ),
        },
        {
            "name": "s3-presign-session-token",
            "description": "S3 presigned GET with temporary credentials and an existing query.",
            "input": base_input(
                signer="s3-presign",
                url=url_of("https://s3.us-west-2.amazonaws.com", "/bucket/key",
                           [("versionId", "3/L4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY")]),
                region="us-west-2",
                service="s3",
                credentials=token_creds,
                expires=604800,
            ),
        },
    ]


def check_published_vectors() -> None:
    """The hand-written aws-*.json files must agree with botocore too."""
    for path in sorted(OUT.glob("aws-*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        got = sign_case(case)
        for key in ("canonical_request", "string_to_sign", "signature", "authorization"):
            if got[key] != case["expected"][key]:
                sys.exit(f"{path.name}: botocore disagrees on {key}:\n{got[key]}\n!=\n{case['expected'][key]}")
        print(f"checked {path.name} (published vector) against botocore")


ENDPOINT_OPS = {
    "cloudwatch": ("list_dashboards", {}),
    "elbv2": ("describe_load_balancers", {}),
    "autoscaling": ("describe_auto_scaling_groups", {}),
    "ecs": ("list_clusters", {}),
    "rds": ("describe_db_instances", {}),
    "ec2": ("describe_regions", {}),
    "ssm": ("describe_parameters", {}),
    "sns": ("list_topics", {}),
    "dynamodb": ("list_tables", {}),
    "s3": ("list_buckets", {}),
    "sts": ("get_caller_identity", {}),
    "route53": ("list_hosted_zones", {}),
    "cloudfront": ("list_distributions", {}),
    "iam": ("list_roles", {}),
}
ENDPOINT_REGIONS = [
    "us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2", "eu-central-1",
    "cn-north-1", "cn-northwest-1", "us-gov-west-1", "us-gov-east-1",
]
# CloudFront has no GovCloud endpoint; botocore still answers with cloudfront.amazonaws.com signed
# for us-gov-west-1, which no service would accept. regionguard refuses it, so it is left out.
ENDPOINT_SKIP = {("cloudfront", "us-gov-west-1"), ("cloudfront", "us-gov-east-1")}


class _Stop(Exception):
    pass


def endpoints() -> list[dict]:
    import os

    import boto3
    import botocore.config
    from botocore import utils

    # No configured endpoints or profiles may leak in from the machine running this.
    for var in list(os.environ):
        if var.startswith("AWS_"):
            del os.environ[var]
    os.environ.update(
        AWS_ACCESS_KEY_ID=AK, AWS_SECRET_ACCESS_KEY=SK, AWS_CONFIG_FILE="/dev/null",
        AWS_SHARED_CREDENTIALS_FILE="/dev/null",
    )
    rows = []
    for region in ENDPOINT_REGIONS:
        for client_name, (op, args) in ENDPOINT_OPS.items():
            if (client_name, region) in ENDPOINT_SKIP:
                continue
            # S3 in us-east-1: botocore's default is the legacy global s3.amazonaws.com; ask for
            # the regional endpoint, which is what regionguard uses (both are valid for us-east-1).
            config = botocore.config.Config(s3={"us_east_1_regional_endpoint": "regional"})
            client = boto3.client(client_name, region_name=region, config=config)
            seen = {}

            def before_send(request, **_):
                seen["url"] = request.url
                seen["auth"] = request.headers["Authorization"]
                raise _Stop()

            client.meta.events.register("before-send", before_send)
            try:
                getattr(client, op)(**args)
            except _Stop:
                pass
            auth = seen["auth"].decode() if isinstance(seen["auth"], bytes) else seen["auth"]
            m = re.search(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request", auth)
            scheme_host = re.match(r"https?://[^/]+", seen["url"]).group(0)
            service_id = client.meta.service_model.service_id
            env_suffix = (
                utils.CLIENT_NAME_TO_HYPHENIZED_SERVICE_ID_OVERRIDES.get(client_name, client_name)
                .replace("-", "_")
                .upper()
            )
            rows.append(
                {
                    "client": client_name,
                    "service_id": str(service_id),
                    "region": region,
                    "endpoint_url": scheme_host,
                    "signing_region": m.group(1),
                    "signing_name": m.group(2),
                    "env_var": f"AWS_ENDPOINT_URL_{env_suffix}",
                }
            )
    return rows


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    check_published_vectors()
    written = []
    for case in cases():
        case["input"].setdefault("expires", None)
        if case["input"]["expires"] is None:
            del case["input"]["expires"]
        case["source"] = f"botocore {botocore.__version__} ({SIGNERS[case['input']['signer']].__name__})"
        case["expected"] = sign_case(case)
        path = OUT / f"{case['name']}.json"
        path.write_text(json.dumps(case, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path.name)
    print(f"wrote {len(written)} cases to {OUT}: {', '.join(written)}")

    rows = endpoints()
    doc = {
        "source": f"botocore {botocore.__version__}: endpoint URL and credential scope of a real "
        "request per client and region (S3 with us_east_1_regional_endpoint=regional)",
        "endpoints": rows,
    }
    (OUT / "endpoints.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    print(f"wrote endpoints.json ({len(rows)} rows)")


if __name__ == "__main__":
    main()
