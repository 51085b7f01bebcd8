#!/usr/bin/env python3
"""Deploys deploy/reference-app.yaml into moto's CloudFormation (primary stack in us-east-1, DR
stack in us-west-2, then the primary updated with the replication destination, as
deploy/README.md orders it), checks what the stacks created, writes a regionguard configuration
from the stacks' outputs and runs `regionguard failover plan refapp --dry-run` against moto.

usage: deploy_to_moto.py REGIONGUARD_BINARY [--keep]

Exit 0 when every check passed; 1 with the failures listed; 2 when a tool is missing (with how
to install it). --keep leaves the temporary folder (moto log, configuration, outputs) in place.
"""

import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TEMPLATE = os.path.join(ROOT, "deploy", "reference-app.yaml")
PRIMARY, DR = "us-east-1", "us-west-2"
ZONE_NAME = "example.test"
RECORD, CONTROL_RECORD = "app.example.test", "active.example.test"
APP = "refapp"

try:
    import boto3
    from botocore.config import Config as BotoConfig
    from cfnlint.decode import cfn_yaml
except ImportError as error:  # pragma: no cover - environment problem
    print(f"deploy_to_moto: {error}: install with `pip install boto3 cfn-lint \"moto[server]\"`", file=sys.stderr)
    sys.exit(2)


class Failures:
    def __init__(self):
        self.items = []

    def check(self, condition, message):
        print(("  ok    " if condition else "  FAIL  ") + message)
        if not condition:
            self.items.append(message)
        return condition


def find_moto_server():
    """Like tests/support/moto_server.cpp: RG_MOTO_SERVER, PATH (resolving a pyenv shim), pyenv versions."""
    configured = os.environ.get("RG_MOTO_SERVER")
    if configured:
        return configured
    found = shutil.which("moto_server")
    if found and "/shims/" in found and shutil.which("pyenv"):
        real = subprocess.run(["pyenv", "which", "moto_server"], capture_output=True, text=True)
        if real.returncode == 0 and os.access(real.stdout.strip(), os.X_OK):
            return real.stdout.strip()
    if found:
        return found
    for candidate in sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/*/bin/moto_server")), reverse=True):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_moto(program, log_path):
    """moto_server -H 127.0.0.1 -p PORT, retried on another port if one was taken meanwhile."""
    for _ in range(3):
        port = free_port()
        log = open(log_path, "ab")
        process = subprocess.Popen([program, "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log,
                                   start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/data.json", timeout=2) as reply:
                    if reply.status == 200:
                        return process, f"http://127.0.0.1:{port}"
            except OSError:
                time.sleep(0.1)
        stop(process)
        with open(log_path, errors="replace") as f:
            if "Address already in use" not in f.read():
                break
    with open(log_path, errors="replace") as f:
        raise RuntimeError("moto_server did not start; log:\n" + f.read()[-3000:])


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def clients(endpoint):
    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing")
    config = BotoConfig(retries={"max_attempts": 2})
    return lambda service, region: session.client(service, region_name=region, endpoint_url=endpoint, config=config)


def deploy(cfn, name, body, params, update=False):
    """create_stack (or update_stack) and wait; returns the outputs."""
    call = cfn.update_stack if update else cfn.create_stack
    call(StackName=name, TemplateBody=body, Capabilities=["CAPABILITY_IAM"],
         Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in params.items()])
    deadline = time.monotonic() + 120
    while True:
        stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
        if not stack["StackStatus"].endswith("_IN_PROGRESS") or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    wanted = "UPDATE_COMPLETE" if update else "CREATE_COMPLETE"
    if stack["StackStatus"] != wanted:
        events = cfn.describe_stack_events(StackName=name)["StackEvents"]
        reasons = "\n".join(f"    {e['LogicalResourceId']}: {e['ResourceStatus']} {e.get('ResourceStatusReason', '')}"
                            for e in events[:15])
        raise RuntimeError(f"stack {name}: {stack['StackStatus']} {stack.get('StackStatusReason', '')}\n{reasons}")
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    print(f"stack {name} ({cfn.meta.region_name}): {stack['StackStatus']}, outputs:")
    for key, value in sorted(outputs.items()):
        print(f"    {key} = {value}")
    return outputs


def created_types(cfn, name):
    return {r["LogicalResourceId"]: r["ResourceType"]
            for r in cfn.list_stack_resources(StackName=name)["StackResourceSummaries"] if r["LogicalResourceId"]}


def regionguard_config(endpoint, store, p, d, zone_id):
    """The configuration of deploy/examples/reference-app.yaml, with the moto stacks' outputs."""
    return f"""# Written by tests/deploy/deploy_to_moto.py from the outputs of the moto stacks.
regions: [{PRIMARY}, {DR}]
aws: {{ endpoint_url: "{endpoint}", interval: 60s, timeout: 20s }}
store: {{ path: {store} }}
services:
  app: {{ display_name: REFAPP, priority: critical }}
  rds: {{}}
  elbv2: {{}}
endpoints:
  - {{ id: asg-primary, kind: autoscaling_group, service: app, region: {PRIMARY}, resource: {p['AutoScalingGroupName']} }}
  - {{ id: tg-primary, kind: elb_target_group, service: elbv2, region: {PRIMARY}, resource: {p['TargetGroupName']} }}
  - {{ id: db-primary, kind: rds, service: rds, region: {PRIMARY}, resource: {p['DBInstanceIdentifier']} }}
  - {{ id: asg-dr, kind: autoscaling_group, service: app, region: {DR}, resource: {d['AutoScalingGroupName']} }}
  - {{ id: db-replica, kind: rds, service: rds, region: {DR}, resource: {d['DBInstanceIdentifier']}, max_replica_lag: 60s }}
applications:
  {APP}:
    primary: {PRIMARY}
    secondaries: [{DR}]
    checks:
      {PRIMARY}: [asg-primary, tg-primary, db-primary]
      {DR}: [asg-dr, db-replica]
    policy: {{ mode: dry-run }}
    plan:
      autoscaling_groups: {{ {PRIMARY}: {p['AutoScalingGroupName']}, {DR}: {d['AutoScalingGroupName']} }}
      desired_capacity: 1
      rds_replicas: {{ {DR}: {d['DBInstanceIdentifier']} }}
      rpo: 60s
      # moto publishes no CloudWatch ReplicaLag, so the replica's lag is unknown here; on AWS the
      # rds check reads it and this line is not needed (an unknown lag is not ready by default).
      rpo_unknown: allow
      ssm_parameters:
        /app/rds-endpoint: {{ {PRIMARY}: {p['DBEndpoint']}, {DR}: {d['DBEndpoint']} }}
        /app/s3-bucket-name: {{ {PRIMARY}: {p['BucketName']}, {DR}: {d['BucketName']} }}
      route53:
        zone_id: {zone_id}
        name: {p['ControlRecordName']}
        type: CNAME
        ttl: 60
        values: {{ {PRIMARY}: {p['LoadBalancerDnsName']}, {DR}: {d['LoadBalancerDnsName']} }}
"""


def same_name(a, b):
    """Record names, with or without the final dot (moto's CloudFormation stores them without)."""
    return a.rstrip(".") == b.rstrip(".")


def world(client, p, d, zone_id):
    """What a dry run must leave alone."""
    group = client("autoscaling", DR).describe_auto_scaling_groups(
        AutoScalingGroupNames=[d["AutoScalingGroupName"]])["AutoScalingGroups"][0]
    parameter = client("ssm", DR).get_parameter(Name="/app/rds-endpoint")["Parameter"]
    records = client("route53", PRIMARY).list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
    control = [r for r in records if same_name(r["Name"], CONTROL_RECORD) and r["Type"] == "CNAME"]
    assert control, f"no CNAME {CONTROL_RECORD} in the zone"
    return (group["DesiredCapacity"], parameter["Value"], parameter["Version"],
            json.dumps(control, sort_keys=True, default=str))


def run(binary, workdir, endpoint):
    failures = Failures()
    body = json.dumps(cfn_yaml.load(TEMPLATE))  # moto's own YAML reader mangles some short forms
    client = clients(endpoint)

    zone_id = client("route53", PRIMARY).create_hosted_zone(
        Name=ZONE_NAME, CallerReference=str(time.time()))["HostedZone"]["Id"].split("/")[-1]
    common = {"AppName": APP, "Emulator": "true", "AmiId": "ami-12345678", "HostedZoneId": zone_id,
              "RecordName": RECORD}

    # ── 1. primary, then DR (it needs the primary's DB ARN and ALB), then primary again ──
    cfn_p, cfn_d = client("cloudformation", PRIMARY), client("cloudformation", DR)
    primary_params = dict(common, Role="primary", PeerRegion=DR, NetworkPrefix="10.20",
                          ControlRecordName=CONTROL_RECORD)
    p = deploy(cfn_p, "refapp-primary", body, primary_params)
    d = deploy(cfn_d, "refapp-dr", body, dict(common, Role="dr", PeerRegion=PRIMARY, NetworkPrefix="10.30",
                                              SourceDBInstanceArn=p["DBInstanceArn"],
                                              PrimaryAlbDnsName=p["LoadBalancerDnsName"]))
    p = deploy(cfn_p, "refapp-primary", body, dict(primary_params, ReplicationDestinationBucket=d["BucketName"]),
               update=True)

    print("what the stacks created:")
    for name, cfn in (("refapp-primary", cfn_p), ("refapp-dr", cfn_d)):
        types = created_types(cfn, name)
        print(f"    {name}: {len(types)} resources: " + ", ".join(sorted(set(types.values()))))

    # ── 2. the resources, through the services' own APIs ──
    asg = lambda region, name: client("autoscaling", region).describe_auto_scaling_groups(
        AutoScalingGroupNames=[name])["AutoScalingGroups"]
    primary_group, dr_group = asg(PRIMARY, p["AutoScalingGroupName"]), asg(DR, d["AutoScalingGroupName"])
    failures.check(len(primary_group) == 1 and primary_group[0]["DesiredCapacity"] == 1,
                   f"primary Auto Scaling group {p['AutoScalingGroupName']} at desired 1")
    failures.check(len(dr_group) == 1 and dr_group[0]["DesiredCapacity"] == 0 and dr_group[0]["MaxSize"] >= 1,
                   f"DR Auto Scaling group {d['AutoScalingGroupName']} at desired 0, max >= 1")
    replica = client("rds", DR).describe_db_instances(DBInstanceIdentifier=d["DBInstanceIdentifier"])["DBInstances"][0]
    failures.check(replica.get("ReadReplicaSourceDBInstanceIdentifier") == p["DBInstanceArn"],
                   f"{d['DBInstanceIdentifier']} in {DR} is a read replica of {p['DBInstanceArn']}")
    source = client("rds", PRIMARY).describe_db_instances(DBInstanceIdentifier=p["DBInstanceIdentifier"])["DBInstances"][0]
    failures.check(source["Engine"] == "mysql", f"{p['DBInstanceIdentifier']} is MySQL")
    for region, outputs in ((PRIMARY, p), (DR, d)):
        ssm = client("ssm", region)
        values = {name: ssm.get_parameter(Name=name)["Parameter"]["Value"]
                  for name in ("/app/rds-endpoint", "/app/s3-bucket-name", "/app/latest-ami-id")}
        failures.check(values == {"/app/rds-endpoint": outputs["DBEndpoint"], "/app/s3-bucket-name": outputs["BucketName"],
                                  "/app/latest-ami-id": "ami-12345678"},
                       f"SSM /app/* in {region}: {values}")
    buckets = {b["Name"] for b in client("s3", PRIMARY).list_buckets()["Buckets"]}
    failures.check({p["BucketName"], d["BucketName"]} <= buckets, f"buckets {p['BucketName']} and {d['BucketName']}")
    # moto's AWS::S3::Bucket applies only BucketName, BucketEncryption and Tags: the versioning and
    # replication configuration are not modelled, so check what the update did create.
    failures.check(created_types(cfn_p, "refapp-primary").get("ReplicationRole") == "AWS::IAM::Role",
                   "the update with ReplicationDestinationBucket created the replication role")
    print("  note  moto's CloudFormation ignores the buckets' VersioningConfiguration and ReplicationConfiguration")
    table = client("dynamodb", PRIMARY).describe_table(TableName=p["TableName"])["Table"]
    failures.check(table["TableStatus"] == "ACTIVE", f"table {p['TableName']} (emulated global table) in {PRIMARY}")
    records = client("route53", PRIMARY).list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
    failover = {r.get("Failover"): r for r in records if same_name(r["Name"], RECORD)}
    failures.check(set(failover) == {"PRIMARY", "SECONDARY"}, f"failover records of {RECORD}: {sorted(failover)}")
    failures.check(failover.get("PRIMARY", {}).get("HealthCheckId") == p["HealthCheckId"] and
                   failover.get("SECONDARY", {}).get("HealthCheckId") == d["HealthCheckId"],
                   "each failover record has its region's health check")
    health_checks = {h["Id"] for h in client("route53", PRIMARY).list_health_checks()["HealthChecks"]}
    failures.check({p["HealthCheckId"], d["HealthCheckId"]} <= health_checks, "both Route 53 health checks exist")
    failures.check(any(same_name(r["Name"], CONTROL_RECORD) and r["Type"] == "CNAME" for r in records),
                   f"control record {CONTROL_RECORD} CNAME")
    load_balancers = client("elbv2", DR).describe_load_balancers()["LoadBalancers"]
    failures.check(any(lb["DNSName"] == d["LoadBalancerDnsName"] for lb in load_balancers), f"DR ALB in {DR}")

    # ── 3. regionguard, from the outputs ──
    config = os.path.join(workdir, "regionguard.yaml")
    with open(config, "w") as f:
        f.write(regionguard_config(endpoint, os.path.join(workdir, "journal.db"), p, d, zone_id))
    env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_ENDPOINT_URL=endpoint,
               AWS_CONFIG_FILE=os.path.join(workdir, "no-aws-config"),
               AWS_SHARED_CREDENTIALS_FILE=os.path.join(workdir, "no-aws-credentials"))
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION", "AWS_REGION"):
        env.pop(name, None)

    checked = subprocess.run([binary, "check-config", config], capture_output=True, text=True, env=env, timeout=60)
    failures.check(checked.returncode == 0, f"check-config of the generated configuration: {checked.stdout}{checked.stderr}")

    before = world(client, p, d, zone_id)
    command = [binary, "failover", "plan", APP, "--dry-run", "-c", config]
    print("$ " + " ".join(command))
    plan = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    print(plan.stdout + plan.stderr)
    lines = [line.strip() for line in plan.stdout.splitlines()]
    failures.check(plan.returncode == 0, f"exit code {plan.returncode} (0: the plan is ready)")

    def index_of(prefix, *contains):
        for i, line in enumerate(lines):
            if line.startswith(prefix) and all(c in line for c in contains):
                return i
        return None

    expected = [
        ("header", index_of(f"plan failover of {APP}: {PRIMARY} -> {DR}")),
        ("ready: target", index_of("ready: target " + DR)),
        ("ready: capacity", index_of("ready: capacity: " + d["AutoScalingGroupName"] + " can reach 1")),
        ("ready: replica", index_of("ready: replica " + d["DBInstanceIdentifier"] + " within RPO")),
        ("would scale", index_of("would scale " + d["AutoScalingGroupName"] + " to 1")),
        ("would promote", index_of("would promote " + d["DBInstanceIdentifier"])),
        ("would set rds-endpoint", index_of("would set /app/rds-endpoint", d["DBEndpoint"])),
        ("would set s3-bucket-name", index_of("would set /app/s3-bucket-name", d["BucketName"])),
        ("would point", index_of(f"would point {CONTROL_RECORD}. at {d['LoadBalancerDnsName']}")),
        ("outcome", index_of("outcome: completed")),
    ]
    for name, index in expected:
        failures.check(index is not None, f"plan output has `{name}`")
    failures.check(not any(line.startswith("NOT READY") for line in lines), "no NOT READY line")
    at = dict(expected)
    if all(index is not None for index in at.values()):
        readiness = [at["ready: target"], at["ready: capacity"], at["ready: replica"]]
        parameters = [at["would set rds-endpoint"], at["would set s3-bucket-name"]]
        failures.check(at["header"] < min(readiness) and max(readiness) < at["would scale"],
                       "the readiness checks come before the steps")
        failures.check(at["would scale"] < at["would promote"] < min(parameters) and
                       max(parameters) < at["would point"] < at["outcome"],
                       "steps in order: scale (capacity), promote, SSM parameters (data), the record (traffic)")
    failures.check(world(client, p, d, zone_id) == before, "the dry run changed nothing in moto")
    return failures


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    binary, keep = os.path.abspath(sys.argv[1]), "--keep" in sys.argv[2:]
    if not os.access(binary, os.X_OK):
        print(f"deploy_to_moto: {binary} is not an executable (build the regionguard target)", file=sys.stderr)
        return 2
    program = find_moto_server()
    if not program:
        print("deploy_to_moto: moto_server not found: install it with `pip install \"moto[server]\"` "
              "(on PATH, in ~/.pyenv/versions/*/bin, or named by RG_MOTO_SERVER)", file=sys.stderr)
        return 2
    workdir = tempfile.mkdtemp(prefix="rg-deploy-")
    process = None
    try:
        process, endpoint = start_moto(program, os.path.join(workdir, "moto.log"))
        print(f"moto_server {program} on {endpoint}, files in {workdir}")
        failures = run(binary, workdir, endpoint)
    except Exception as error:  # a stack that did not deploy, a call that failed
        print(f"deploy_to_moto: FAIL: {type(error).__name__}: {error}", file=sys.stderr)
        log = os.path.join(workdir, "moto.log")
        if os.path.exists(log):
            with open(log, errors="replace") as f:
                tail = [line for line in f.read().splitlines() if not line.startswith("127.0.0.1")]
            print("moto log (without the request lines):\n" + "\n".join(tail[-40:]), file=sys.stderr)
        keep = True
        return 1
    finally:
        if process:
            stop(process)
        if keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    if failures.items:
        print(f"{len(failures.items)} check(s) failed:\n  " + "\n  ".join(failures.items))
        return 1
    print("deploy_to_moto: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
