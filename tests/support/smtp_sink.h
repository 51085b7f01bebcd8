#pragma once
// A minimal SMTP receiver on 127.0.0.1 for the e-mail notifier's tests: it speaks enough of
// RFC 5321 for libcurl (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), accepts every message and
// records its envelope and content. One connection at a time, on its own thread.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace rg::test {

struct ReceivedMail {
  std::string from;             // MAIL FROM address, without the brackets
  std::vector<std::string> to;  // RCPT TO addresses
  std::string data;             // the message as sent (headers and body), dot-unstuffed, CRLF kept
};

class SmtpSink {
 public:
  SmtpSink();   // listens on a free port; throws std::runtime_error when it cannot
  ~SmtpSink();  // stops at once
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  std::vector<ReceivedMail> mails() const;
  // Waits until at least `count` messages have arrived; false after `timeout`.
  bool wait_for(std::size_t count, std::chrono::milliseconds timeout) const;

 private:
  void serve();
  void session(int fd);

  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  mutable std::condition_variable arrived_;
  std::vector<ReceivedMail> mails_;
  std::thread thread_;
};

}  // namespace rg::test
