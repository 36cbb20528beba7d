# Configures a copy of nginx's source tree (Debian's nginx-dev ships it in
# /usr/share/nginx/src with the flags its nginx was built with) in the build
# folder, so the module sees the same ngx_auto_config.h, and hence the same
# module signature, as the nginx that will load it. Running configure with
# --add-dynamic-module also makes nginx write the module's ngx_modules[] file.

set(NGINX_SRC_DIR "/usr/share/nginx/src" CACHE PATH "nginx source tree to build against")
set(NGINX_CONFIGURE_ARGS "" CACHE STRING
    "configure arguments; empty: the NGX_CONF_FLAGS of the tree's conf_flags file (nginx-dev)")

if(NOT EXISTS "${NGINX_SRC_DIR}/configure")
  message(FATAL_ERROR "No nginx source tree in ${NGINX_SRC_DIR}: install nginx-dev, or set NGINX_SRC_DIR")
endif()

if(NGINX_CONFIGURE_ARGS STREQUAL "")
  if(NOT EXISTS "${NGINX_SRC_DIR}/conf_flags")
    message(FATAL_ERROR "${NGINX_SRC_DIR} has no conf_flags file: set NGINX_CONFIGURE_ARGS to your nginx's `nginx -V` arguments")
  endif()
  set(_civic_flags "source '${NGINX_SRC_DIR}/conf_flags' && set -- \"\${NGX_CONF_FLAGS[@]}\"")
else()
  set(_civic_flags "set -- ${NGINX_CONFIGURE_ARGS}")
endif()

set(NGINX_BUILD_DIR "${CMAKE_BINARY_DIR}/nginx")
set(_civic_stamp "${NGINX_BUILD_DIR}/civic-configure.stamp")
set(_civic_stamp_text "${NGINX_SRC_DIR}|${NGINX_CONFIGURE_ARGS}")
set(_civic_old_stamp "")
if(EXISTS "${_civic_stamp}")
  file(READ "${_civic_stamp}" _civic_old_stamp)
endif()

if(NOT _civic_old_stamp STREQUAL _civic_stamp_text
   OR NOT EXISTS "${NGINX_BUILD_DIR}/objs/ngx_auto_config.h")
  message(STATUS "Configuring nginx from ${NGINX_SRC_DIR} in ${NGINX_BUILD_DIR}")
  file(REMOVE_RECURSE "${NGINX_BUILD_DIR}")
  file(COPY "${NGINX_SRC_DIR}/" DESTINATION "${NGINX_BUILD_DIR}")
  execute_process(
    COMMAND bash -c "${_civic_flags} && exec ./configure \"$@\" --with-compat --with-threads --add-dynamic-module='${CMAKE_SOURCE_DIR}/module'"
    WORKING_DIRECTORY "${NGINX_BUILD_DIR}"
    RESULT_VARIABLE _civic_rc
    OUTPUT_FILE "${NGINX_BUILD_DIR}/civic-configure.log"
    ERROR_FILE "${NGINX_BUILD_DIR}/civic-configure.log")
  if(NOT _civic_rc EQUAL 0)
    message(FATAL_ERROR "nginx configure failed; see ${NGINX_BUILD_DIR}/civic-configure.log")
  endif()
  file(WRITE "${_civic_stamp}" "${_civic_stamp_text}")
endif()

set(NGINX_INCLUDE_DIRS
  "${NGINX_BUILD_DIR}/src/core"
  "${NGINX_BUILD_DIR}/src/event"
  "${NGINX_BUILD_DIR}/src/event/modules"
  "${NGINX_BUILD_DIR}/src/os/unix"
  "${NGINX_BUILD_DIR}/src/http"
  "${NGINX_BUILD_DIR}/src/http/modules"
  "${NGINX_BUILD_DIR}/src/http/v2"
  "${NGINX_BUILD_DIR}/objs")
set(NGINX_MODULES_C "${NGINX_BUILD_DIR}/objs/ngx_http_civic_module_modules.c")
