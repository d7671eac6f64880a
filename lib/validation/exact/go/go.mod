module github.com/cdk8s-fastapi-nextjs/kube-validator

go 1.26.0
