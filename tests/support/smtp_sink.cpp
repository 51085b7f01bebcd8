#include "support/smtp_sink.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace rg::test {
namespace {

bool send_line(int fd, const std::string& line) {
  const std::string out = line + "\r\n";
  return ::send(fd, out.data(), out.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(out.size());
}

std::string address_in(const std::string& line) {
  const auto open = line.find('<');
  const auto close = line.find('>', open == std::string::npos ? 0 : open);
  if (open == std::string::npos || close == std::string::npos) return {};
  return line.substr(open + 1, close - open - 1);
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return text;
}

}  // namespace

SmtpSink::SmtpSink() {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener_, 8) != 0 || ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error(std::string("SmtpSink: cannot listen: ") + std::strerror(errno));
  }
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { serve(); });
}

SmtpSink::~SmtpSink() {
  stopping_ = true;
  thread_.join();
  ::close(listener_);
}

void SmtpSink::serve() {
  while (!stopping_) {
    pollfd waiting{listener_, POLLIN, 0};
    if (::poll(&waiting, 1, 50) <= 0) continue;  // wakes up to notice stopping_
    const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    session(fd);
    ::close(fd);
  }
}

void SmtpSink::session(int fd) {
  std::string buffer;
  // The next CRLF-terminated line, or false when the client left (or the sink stops).
  const auto read_line = [&](std::string& line) {
    while (true) {
      if (const auto end = buffer.find("\r\n"); end != std::string::npos) {
        line = buffer.substr(0, end);
        buffer.erase(0, end + 2);
        return true;
      }
      pollfd readable{fd, POLLIN, 0};
      if (stopping_) return false;
      if (::poll(&readable, 1, 50) <= 0) continue;
      char chunk[4096];
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
  };
  if (!send_line(fd, "220 127.0.0.1 regionguard test SMTP sink")) return;
  ReceivedMail mail;
  std::string line;
  while (read_line(line)) {
    const std::string verb = upper(line.substr(0, 4));
    if (verb == "EHLO" || verb == "HELO") {
      send_line(fd, "250 127.0.0.1");
    } else if (verb == "MAIL") {
      mail = {};
      mail.from = address_in(line);
      send_line(fd, "250 OK");
    } else if (verb == "RCPT") {
      mail.to.push_back(address_in(line));
      send_line(fd, "250 OK");
    } else if (verb == "DATA") {
      send_line(fd, "354 end with <CRLF>.<CRLF>");
      while (read_line(line) && line != ".") mail.data += (line.starts_with("..") ? line.substr(1) : line) + "\r\n";
      {
        const std::lock_guard lock(mutex_);
        mails_.push_back(mail);
      }
      arrived_.notify_all();
      send_line(fd, "250 OK queued");
    } else if (verb == "QUIT") {
      send_line(fd, "221 bye");
      return;
    } else if (verb == "RSET" || verb == "NOOP") {
      send_line(fd, "250 OK");
    } else {
      send_line(fd, "502 not implemented");
    }
  }
}

std::vector<ReceivedMail> SmtpSink::mails() const {
  const std::lock_guard lock(mutex_);
  return mails_;
}

bool SmtpSink::wait_for(std::size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return arrived_.wait_for(lock, timeout, [&] { return mails_.size() >= count; });
}

}  // namespace rg::test
