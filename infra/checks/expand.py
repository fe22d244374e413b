"""Expands infra/template.yaml (AWS SAM) into the plain CloudFormation template CloudFormation would
deploy, offline, for checkov (scripts/test.d/60-infra.sh).

    python infra/checks/expand.py REGION OUT.json

The region only chooses the partition of the ARNs SAM writes (aws or aws-cn). Local code paths
become placeholder S3 locations, as `sam package` would make them. The template names no AWS managed
policy by name, so the policy loader that would ask IAM for them is never needed.
"""

import json
import os
import sys
from pathlib import Path

from cfnlint.decode import cfn_yaml
from samtranslator.translator.transform import transform


class NoManagedPolicies:
    """Stands in for samtranslator's IAM-backed loader: the template names no managed policy."""

    def load(self):
        return {}


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    region, out = sys.argv[1], Path(sys.argv[2])
    # samtranslator reads the region (and so the partition) from the environment.
    os.environ["AWS_DEFAULT_REGION"] = region
    os.environ["AWS_REGION"] = region
    template = Path(__file__).resolve().parent.parent / "template.yaml"
    sam = json.loads(json.dumps(cfn_yaml.load(str(template))))
    for name, res in sam["Resources"].items():
        props = res.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            if isinstance(props.get(key), str) and not props[key].startswith("s3://"):
                props[key] = f"s3://package-bucket/{name}.zip"
    # Metadata passes through, so checkov sees the functions' skip reasons.
    cfn = transform(sam, {}, NoManagedPolicies(), passthrough_metadata=True)
    out.write_text(json.dumps(cfn, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"expanded {template.name} for {region}: {len(cfn['Resources'])} resources -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
