#pragma once
// A test suite against moto_server: one server per suite (it takes seconds to start), reset to
// empty before each test. Header-only, like api_client.h.
#include <gtest/gtest.h>

#include <cstdlib>
#include <utility>

#include "support/moto_server.h"

namespace rg::test {

class MotoSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { start_moto({}); }
  static void TearDownTestSuite() {
    delete moto_;
    moto_ = nullptr;
  }
  void SetUp() override { moto_->reset(); }

  static void start_moto(MotoOptions options) { moto_ = new MotoServer(std::move(options)); }

  // For code that finds credentials by the usual chain (the daemon, the CLI, AwsSession): moto
  // checks no signature but the chain must find something, and must not wait on EC2 metadata.
  static void use_dummy_credentials() {
    ::setenv("AWS_ACCESS_KEY_ID", "testing", 1);
    ::setenv("AWS_SECRET_ACCESS_KEY", "testing", 1);
    ::setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    ::unsetenv("AWS_PROFILE");
  }

  static inline MotoServer* moto_ = nullptr;
};

}  // namespace rg::test
