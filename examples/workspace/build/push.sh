#!/usr/bin/env bash
set -euo pipefail
docker tag registry.acme.example/platform/api:1.4.0 registry.acme.example/platform/api:latest
crane copy registry.acme.example/platform/api:1.4.0 registry.acme.example/platform/api:stable
