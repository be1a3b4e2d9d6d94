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

// For text still arriving in chunks (a streamed reply): how much of it can be shown now. A tail
// that could be the beginning of a secret or of a "Bearer" credential is held back until the rest
// arrives, so that no secret goes out in pieces that redaction, seeing one piece at a time,
// cannot recognise.
std::size_t releasableLength(std::string_view text);

}  // namespace nemo::support
