// Calendar input refused: the core's FieldError (common/field_error.hpp).
#pragma once

#include "common/field_error.hpp"

namespace civic::calendar {

using civic::FieldError;

}  // namespace civic::calendar
