# nginx compiles every source with $(CC) and one CFLAGS; the C++ standard and
# hidden visibility are added for civic's objects only (-std=c++20 would be an
# error on nginx's C files).
for civic_src in $CIVIC_SRCS; do
    civic_obj="$NGX_OBJS/addon/`basename \`dirname $civic_src\``/`basename $civic_src .cpp`.o"
    echo "$civic_obj : CFLAGS += -std=c++20 -fvisibility=hidden -fvisibility-inlines-hidden" >> $NGX_MAKEFILE
done
