// Secret redaction: every secret the process learns (tokens) is registered here, and every
// string that leaves the process through a log or a message is passed through redactSecrets().
#pragma once

#include <string>
#include <string_view>

namespace nemo::support {

// Remembers a secret so that redactSecrets() hides it from now on. Thread-safe.
void registerSecret(std::string_view secret);

// The text with every registered secret (and any "Bearer <x>" credential) replaced by "[redacted]".
std::string redactSecrets(std::string_view text);

}  // namespace nemo::support
