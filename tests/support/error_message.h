// The message of the exception of type E that `f` throws, or "" when it throws none: for tests that read
// what an error says.
#pragma once
#include <QString>

#include "core/error.h"

namespace cornu::test {

template <class E, class F>
QString error_message(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return QString::fromUtf8(e.what());
  }
  return {};
}

template <class F>
QString io_error(F&& f) { return error_message<IoError>(f); }
template <class F>
QString value_error(F&& f) { return error_message<ValueError>(f); }

}  // namespace cornu::test
