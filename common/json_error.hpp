// The JSON body of every refusal: {"error": "...", "field": "..."}.
#pragma once

#include <string>
#include <string_view>

namespace civic {

std::string json_error(std::string_view message, std::string_view field = {});

}  // namespace civic
