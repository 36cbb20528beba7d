package Civic::ApacheConf;

# The tests' nginx configuration in Apache httpd's words, for mod_civic
# (CIVIC_SERVER=apache). A pure function, core Perl only:
#
#   my $r = Civic::ApacheConf::translate($http_text, first_line => N);
#   $r->{text}        the Apache lines (no base: no LoadModule, MPM, logs)
#   $r->{lines}       for each Apache line (index 0 = line 1), the line of
#                     the nginx text nginx would name for it (its ";" or "{",
#                     or the "}" of a block), counted from first_line
#   $r->{listen}      [ "127.0.0.1:PORT", ... ], one per server's listen
#   $r->{untranslatable}  undef, or why this text has no Apache equivalent
#                     (naming the directive): the test is then nginx only
#
# `http_text` is what goes inside nginx's http { } block, placeholders
# expanded. What it translates (docs/testing.md):
#
#   civic_store ...;                  CivicStore ...
#   civic_feed_cache, civic_commit_batch, civic_smtp
#                                     CivicFeedCache, CivicCommitBatch, CivicSmtp
#   civic_calendar N { ... }          <CivicCalendar N> ... </CivicCalendar>
#   civic_form N { field F T { } step S { } }
#                                     <CivicForm N> <CivicField F T> <CivicStep S>
#   civic_form_layout F;              CivicFormLayout F
#   server { listen A; location P { civic_calendars; } }
#                                     Listen A, <Location P> SetHandler civic-calendars
#   client_max_body_size N;           LimitRequestBody BYTES (nginx's default, 1m,
#                                     written into every civic Location)
#   listen A sndbuf=N;                SendBufferSize N
#   log_format F '...'; access_log FILE F;
#                                     CustomLog FILE "..." ($remote_addr, $pid,
#                                     $uri, $status, ... as %a, %P, %U, %>s, ...)
#   deny all; allow all;              Require all denied / granted
#   location / { root DIR; etag on; } DocumentRoot DIR, FileETag MTime Size
#                                     (static files, Apache's core handler)
#   client_body_buffer_size, client_body_in_file_only
#                                     a comment: how nginx buffers a body before
#                                     the handler runs (memory or a temp file);
#                                     mod_civic reads it from Apache's input
#                                     filters, with nothing to choose
#   error_page CODE [=] @L; location @L { civic_forms; }
#                                     a comment: mod_civic answers its own errors
#   error_page CODE [=] @L; location @L { default_type T; return CODE 'TEXT'; }
#                                     ErrorDocument CODE "TEXT"
#
# Inside civic_calendar and civic_form blocks every setting is passed on with
# the words it has (one setting a line, quotes as written): mod_civic reads
# them with the same parser nginx's module uses. Anything else is refused as
# untranslatable, never dropped.

use strict;
use warnings;

our %TOP = (
    civic_store        => 'CivicStore',
    civic_feed_cache   => 'CivicFeedCache',
    civic_commit_batch => 'CivicCommitBatch',
    civic_smtp         => 'CivicSmtp',
    civic_form_layout  => 'CivicFormLayout',
);
our %HANDLER = (
    civic_calendars => 'civic-calendars',
    civic_forms     => 'civic-forms',
    civic_admin     => 'civic-admin',
);
# listen parameters that change nothing a test sees on one loopback address.
our %LISTEN_IGNORED = map { $_ => 1 } qw(default_server default reuseport deferred bind);

# Where nginx keeps a request body for the handler: no Apache counterpart,
# and nothing a client sees (the same answers either way).
our %BODY_BUFFERING = map { $_ => 1 } qw(client_body_buffer_size client_body_in_file_only);

# nginx's own default for client_max_body_size; Apache's is 1 GiB.
our $DEFAULT_BODY = 1024 * 1024;

# nginx log_format variables as mod_log_config's format.
our %LOG_VARIABLE = (
    remote_addr     => '%a',
    pid             => '%P',
    uri             => '%U',
    request_uri     => '%U%q',
    request_method  => '%m',
    request         => '%r',
    status          => '%>s',
    time_local      => '%t',
    body_bytes_sent => '%B',
    bytes_sent      => '%O',
    http_user_agent => '%{User-Agent}i',
    http_referer    => '%{Referer}i',
    request_time    => '%{s}T',
);

sub translate {
    my ($text, %opt) = @_;
    my $first = $opt{first_line} || 1;
    my $r = { text => '', lines => [], listen => [], untranslatable => undef };
    my $tree = eval { parse($text, $first) };
    if (!$tree) {
        # nginx would refuse it too (a test of nginx's own syntax errors).
        (my $why = $@) =~ s/\s+\z//;
        $r->{untranslatable} = "nginx syntax: $why";
        return $r;
    }
    my $out = Civic::ApacheConf::Out->new;
    eval { http_block($tree, $out, $r); 1 } or do {
        (my $why = $@) =~ s/\s+\z//;
        $r->{untranslatable} = $why;
        return $r;
    };
    $r->{text} = $out->text;
    $r->{lines} = $out->lines;
    return $r;
}

# ---- nginx's lexer: words (with their text as written), ";", "{", "}",
# each with its line.
sub tokens {
    my ($text, $line) = @_;
    my @t;
    my $i = 0;
    my $n = length $text;
    while ($i < $n) {
        my $c = substr($text, $i, 1);
        if ($c eq "\n") { $line++; $i++; next }
        if ($c =~ /\s/) { $i++; next }
        if ($c eq '#') {
            my $e = index($text, "\n", $i);
            $i = $e < 0 ? $n : $e;
            next;
        }
        if ($c eq ';' || $c eq '{' || $c eq '}') {
            push @t, { type => $c, line => $line };
            $i++;
            next;
        }
        # A word: quoted ("..." or '...', backslash escapes) or bare (up to
        # white space, ";", "{" or "}"; a backslash escapes the next char).
        my $start = $i;
        my $start_line = $line;
        my $value = '';
        if ($c eq '"' || $c eq "'") {
            my $q = $c;
            $i++;
            while (1) {
                die "unterminated quoted string at line $start_line\n" if $i >= $n;
                my $d = substr($text, $i, 1);
                if ($d eq '\\' && $i + 1 < $n) {
                    my $e = substr($text, $i + 1, 1);
                    $value .= $e eq 'n' ? "\n" : $e eq 't' ? "\t" : $e eq 'r' ? "\r"
                            : ($e eq '"' || $e eq "'" || $e eq '\\') ? $e : "\\$e";
                    $line++ if $e eq "\n";
                    $i += 2;
                    next;
                }
                $i++;
                last if $d eq $q;
                $line++ if $d eq "\n";
                $value .= $d;
            }
            my $after = $i < $n ? substr($text, $i, 1) : ' ';
            die "unexpected \"$after\" after a quoted string at line $line\n" unless $after =~ /[\s;{}]/;
        } else {
            while ($i < $n) {
                my $d = substr($text, $i, 1);
                last if $d =~ /[\s;{}]/;
                if ($d eq '\\' && $i + 1 < $n) { $value .= substr($text, $i + 1, 1); $i += 2; next }
                $value .= $d;
                $i++;
            }
        }
        my $raw = substr($text, $start, $i - $start);
        push @t, { type => 'word', raw => $raw, value => $value, line => $start_line };
    }
    return \@t;
}

# ---- the statements: { words => [tokens], line => line of its ";" or "{",
# block => [statements] (for "{"), end => line of the "}" }
sub parse {
    my ($text, $first) = @_;
    my $t = tokens($text, $first);
    my $pos = 0;
    my $block;
    $block = sub {
        my ($depth) = @_;
        my @stmts;
        my @words;
        while ($pos < @$t) {
            my $tok = $t->[$pos++];
            if ($tok->{type} eq 'word') { push @words, $tok; next }
            if ($tok->{type} eq ';') {
                die "unexpected \";\" at line $tok->{line}\n" unless @words;
                push @stmts, { words => [@words], line => $tok->{line} };
                @words = ();
                next;
            }
            if ($tok->{type} eq '{') {
                die "unexpected \"{\" at line $tok->{line}\n" unless @words;
                my $s = { words => [@words], line => $tok->{line} };
                @words = ();
                my ($inner, $end) = $block->($depth + 1);
                $s->{block} = $inner;
                $s->{end} = $end;
                push @stmts, $s;
                next;
            }
            if ($tok->{type} eq '}') {
                die "unexpected \"}\" at line $tok->{line}\n" if !$depth;
                die "unexpected \"}\" at line $tok->{line} (a \";\" missing)\n" if @words;
                return (\@stmts, $tok->{line});
            }
        }
        die "unexpected end of file, expecting \";\" or \"}\"\n" if @words || $depth;
        return (\@stmts, undef);
    };
    my ($stmts) = $block->(0);
    undef $block;
    return $stmts;
}

sub name_of { $_[0]{words}[0]{value} }

sub args_raw {
    my ($s) = @_;
    return map { apache_word($_) } @{ $s->{words} }[1 .. $#{ $s->{words} }];
}

# A word as Apache reads it: as nginx had it written, except that a line
# break inside quotes (nginx allows them) is written as \n.
sub apache_word {
    my ($tok) = @_;
    my $raw = $tok->{raw};
    $raw =~ s/\n/\\n/g;
    return $raw;
}

sub words_raw { join ' ', map { apache_word($_) } @{ $_[0]{words} } }

# nginx sizes: 1024, 8k, 1m, 2g.
sub size_bytes {
    my ($v) = @_;
    my ($n, $u) = $v =~ /^(\d+)([kKmMgG]?)$/ or die "client_max_body_size \"$v\" is not a size\n";
    return $n * ({ '' => 1, k => 1024, m => 1024**2, g => 1024**3 }->{lc $u});
}

sub http_block {
    my ($stmts, $out, $r) = @_;
    my $body = $DEFAULT_BODY;
    my @servers;
    local $r->{formats} = {};
    for my $s (@$stmts) {
        my $name = name_of($s);
        if ($name eq 'server' && $s->{block}) { push @servers, $s; next }
        if ($name eq 'log_format' && !$s->{block}) {
            my ($fname, @parts) = map { $_->{value} } @{ $s->{words} }[1 .. $#{ $s->{words} }];
            $r->{formats}{$fname} = log_format(join '', @parts);
            next;
        }
        if ($name eq 'access_log' && !$s->{block}) {
            access_log($s, $out, $r, '');
            next;
        }
        if ($name eq 'client_max_body_size' && !$s->{block}) {
            die "client_max_body_size takes one size\n" unless @{ $s->{words} } == 2;
            $body = size_bytes($s->{words}[1]{value});
            next;
        }
        top_statement($s, $out, '');
    }
    my $vhosts = @servers > 1;
    for my $server (@servers) {
        server_block($server, $out, $r, $body, $vhosts);
    }
}

# A statement of the http{} level other than server{}.
sub top_statement {
    my ($s, $out, $indent) = @_;
    my $name = name_of($s);
    if ($name eq 'civic_calendar' || $name eq 'civic_form') {
        die "$name without a block has no Apache form\n" unless $s->{block};
        civic_block($s, $out, $indent, $name eq 'civic_calendar' ? 'CivicCalendar' : 'CivicForm', 0);
        return;
    }
    if (my $apache = $TOP{$name}) {
        die "$name with a block has no Apache form\n" if $s->{block};
        if ($name eq 'civic_store' && grep { $_->{value} =~ /^thread_pool=/ } @{ $s->{words} }) {
            die "civic_store thread_pool= (nginx's thread pools; Apache has none)\n";
        }
        $out->line($indent . join(' ', $apache, args_raw($s)), $s->{line});
        return;
    }
    die "\"$name\" (no Apache translation in the test harness)\n";
}

# civic_calendar / civic_form blocks: the container, and every setting as it
# is written; field and step blocks of a form are nested containers.
sub civic_block {
    my ($s, $out, $indent, $container, $depth) = @_;
    my @args = args_raw($s);
    $out->line($indent . '<' . join(' ', $container, @args) . '>', $s->{line});
    for my $inner (@{ $s->{block} }) {
        my $name = name_of($inner);
        if ($inner->{block}) {
            my $nested = $container eq 'CivicForm' && $name eq 'field' ? 'CivicField'
                       : $container eq 'CivicForm' && $name eq 'step'  ? 'CivicStep'
                       : undef;
            die "a \"$name\" block inside " . name_of($s) . " (nginx's \"{\" where no block is)\n" unless $nested;
            my $sub = { %$inner, words => [ @{ $inner->{words} } ] };
            civic_block($sub, $out, "$indent    ", $nested, $depth + 1);
            next;
        }
        $out->line("$indent    " . words_raw($inner), $inner->{line});
    }
    $out->line("$indent</$container>", $s->{end});
}

# nginx's log_format text as mod_log_config's.
sub log_format {
    my ($text) = @_;
    $text =~ s/%/%%/g;
    $text =~ s{\$(?:\{(\w+)\}|(\w+))}{
        my $v = $1 // $2;
        $LOG_VARIABLE{$v} // die "log_format variable \$$v (no Apache translation in the test harness)\n"
    }ge;
    $text =~ s/(["\\])/\\$1/g;
    return $text;
}

sub access_log {
    my ($s, $out, $r, $indent) = @_;
    my ($file, $format, @more) = map { $_->{value} } @{ $s->{words} }[1 .. $#{ $s->{words} }];
    die "access_log with parameters (no Apache translation in the test harness)\n" if @more;
    return if $file eq 'off';
    my $f = defined $format ? $r->{formats}{$format} : '%a - - %t \\"%r\\" %>s %B';
    die "access_log with the unknown format \"$format\"\n" unless defined $f;
    $out->line(qq{${indent}CustomLog $file "$f"}, $s->{line});
}

sub server_block {
    my ($s, $out, $r, $body, $vhost) = @_;
    my @listen;
    my @locations;
    my @settings;   # [apache line, nginx line]
    my @logs;
    my %named;
    for my $inner (@{ $s->{block} }) {
        my $name = name_of($inner);
        if ($name eq 'listen' && !$inner->{block}) {
            my ($addr, @opts) = map { $_->{value} } @{ $inner->{words} }[1 .. $#{ $inner->{words} }];
            die "listen without an address\n" unless defined $addr;
            for my $o (@opts) {
                (my $key = $o) =~ s/=.*//;
                if ($key eq 'sndbuf') {
                    my ($v) = $o =~ /=(.*)/;
                    # Apache sets it on every listening socket: one server.
                    die "listen sndbuf= with more than one server{}\n" if $vhost;
                    $out->line('SendBufferSize ' . size_bytes($v), $inner->{line});
                    next;
                }
                die "listen parameter \"$o\" (no Apache translation in the test harness)\n"
                    unless $LISTEN_IGNORED{$key} || $key eq 'backlog';
            }
            $addr = "127.0.0.1:$addr" if $addr =~ /^\d+$/;
            push @listen, [$addr, $inner->{line}];
            next;
        }
        if ($name eq 'location' && $inner->{block}) {
            if (@{ $inner->{words} } == 2 && $inner->{words}[1]{value} =~ /^@/) {
                $named{ $inner->{words}[1]{value} } = $inner;
            } else {
                push @locations, $inner;
            }
            next;
        }
        if ($name eq 'access_log' && !$inner->{block}) { push @logs, $inner; next }
        if ($name eq 'client_max_body_size' && !$inner->{block}) {
            $body = size_bytes($inner->{words}[1]{value});
            next;
        }
        if ($name eq 'civic_form_layout' && !$inner->{block}) {
            push @settings, ['CivicFormLayout ' . join(' ', args_raw($inner)), $inner->{line}];
            next;
        }
        if ($name eq 'server_name' && !$inner->{block}) {
            # One server answers every name, as nginx's only server{} does.
            push @settings, [$vhost ? 'ServerName ' . apache_word($inner->{words}[1])
                                    : '# ' . words_raw($inner) . ': the only server answers every name', $inner->{line}];
            next;
        }
        die "\"$name\" in server{} (no Apache translation in the test harness)\n";
    }
    die "a server{} without listen (nginx's default port 80)\n" unless @listen;
    for my $l (@listen) {
        $out->line("Listen $l->[0]", $l->[1]);
        push @{ $r->{listen} }, $l->[0];
    }
    my $indent = '';
    if ($vhost) {
        $out->line('<VirtualHost ' . join(' ', map { $_->[0] } @listen) . '>', $s->{line});
        $indent = '    ';
    }
    $out->line($indent . $_->[0], $_->[1]) for @settings;
    access_log($_, $out, $r, $indent) for @logs;
    # nginx takes the longest matching prefix; Apache merges every matching
    # <Location> in the order written, the last one winning: shortest first.
    my @translated = map { location_block($_, $body, \%named) } @locations;
    my %rank = (prefix => 0, regex => 1, exact => 2);
    @translated = sort { $rank{$a->{kind}} <=> $rank{$b->{kind}}
                         || ($a->{kind} eq 'prefix' ? length($a->{path}) <=> length($b->{path}) : 0) } @translated;
    for my $loc (@translated) {
        $out->line($indent . $_->[0], $_->[1]) for @{ $loc->{lines} };
    }
    $out->line('</VirtualHost>', $s->{end}) if $vhost;
}

sub location_block {
    my ($s, $body, $named) = @_;
    my @w = map { $_->{value} } @{ $s->{words} };
    shift @w;
    my ($kind, $path, $open);
    if (@w == 1 && $w[0] !~ /^[=~@^]/) {
        ($kind, $path) = ('prefix', $w[0]);
        $open = '<Location ' . quote_path($path) . '>';
    } elsif (@w == 2 && $w[0] eq '=') {
        ($kind, $path) = ('exact', $w[1]);
        $open = '<LocationMatch ' . quote_path('^' . quotemeta_path($path) . '$') . '>';
    } elsif (@w == 2 && $w[0] eq '^~') {
        ($kind, $path) = ('prefix', $w[1]);
        $open = '<Location ' . quote_path($path) . '>';
    } else {
        die "location " . join(' ', @w) . " (no Apache translation in the test harness)\n";
    }
    my $close = $kind eq 'exact' ? '</LocationMatch>' : '</Location>';
    my @lines = ([$open, $s->{line}]);
    my $civic = 0;
    my $handler = '';
    my @error_pages;
    for my $inner (@{ $s->{block} }) {
        my $name = name_of($inner);
        die "\"$name\" block in a location (no Apache translation in the test harness)\n" if $inner->{block};
        if (my $h = $HANDLER{$name}) {
            die "$name takes no parameters\n" if @{ $inner->{words} } > 1;
            push @lines, ["    SetHandler $h", $inner->{line}];
            $civic = 1;
            $handler = $name;
            next;
        }
        if ($name eq 'deny' || $name eq 'allow') {
            my $who = $inner->{words}[1]{value} // '';
            die "$name $who (no Apache translation in the test harness)\n" unless $who eq 'all';
            push @lines, ['    Require all ' . ($name eq 'deny' ? 'denied' : 'granted'), $inner->{line}];
            next;
        }
        if ($name eq 'error_page') { push @error_pages, $inner; next }
        if ($name eq 'root' && $kind eq 'prefix' && $path eq '/' && @{ $inner->{words} } == 2) {
            push @lines, ['    # root: DocumentRoot below', $inner->{line}];
            unshift @lines, ['DocumentRoot ' . apache_word($inner->{words}[1]), $inner->{line}];
            next;
        }
        if ($name eq 'etag' && @{ $inner->{words} } == 2) {
            push @lines, ['    FileETag ' . ($inner->{words}[1]{value} eq 'on' ? 'MTime Size' : 'None'), $inner->{line}];
            next;
        }
        if ($BODY_BUFFERING{$name}) {
            push @lines, ['    # ' . words_raw($inner) . ": nginx's body buffering (none to set in Apache)", $inner->{line}];
            next;
        }
        if ($name eq 'civic_form_layout') {
            push @lines, ['    CivicFormLayout ' . join(' ', args_raw($inner)), $inner->{line}];
            next;
        }
        if ($name eq 'client_max_body_size') {
            $body = size_bytes($inner->{words}[1]{value});
            next;
        }
        die "\"$name\" in a location (no Apache translation in the test harness)\n";
    }
    for my $e (@error_pages) {
        push @lines, error_page($e, $handler, $named);
    }
    # client_max_body_size is inherited from http{} and server{}: its value
    # here, written out (0 is "unlimited" for both servers).
    push @lines, ["    LimitRequestBody $body", $s->{line}] if $civic;
    push @lines, [$close, $s->{end}];
    return { kind => $kind, path => $path, lines => \@lines };
}

# error_page CODE [=] @NAME, to a named location that either has the civic
# handler of this location (mod_civic answers its own errors: nothing to
# write) or returns a text (Apache's ErrorDocument).
sub error_page {
    my ($e, $handler, $named) = @_;
    my @w = map { $_->{value} } @{ $e->{words} };
    shift @w;
    my $target = pop @w;
    @w = grep { $_ ne '=' } @w;
    my $what = 'error_page ' . join(' ', @w, $target);
    die "$what (no Apache translation in the test harness)\n"
        unless @w && !grep({ !/^\d{3}$/ } @w) && $target =~ /^@/ && $named->{$target};
    my @inner = @{ $named->{$target}{block} };
    my @names = map { name_of($_) } @inner;
    if (@names == 1 && $HANDLER{ $names[0] } && $names[0] eq $handler) {
        return ["    # $what: mod_civic answers these itself", $e->{line}];
    }
    my %by = map { name_of($_) => $_ } @inner;
    if ((join ' ', sort @names) =~ /^(default_type )?return$/ && @{ $by{return}{words} } == 3) {
        my $text = $by{return}{words}[2]{value};
        $text =~ s/(["\\])/\\$1/g;
        return map { ["    ErrorDocument $_ \"$text\"", $e->{line}] } @w;
    }
    die "$what: location $target (no Apache translation in the test harness)\n";
}

sub quotemeta_path { my ($p) = @_; $p =~ s/([^A-Za-z0-9\/_\-])/\\$1/g; return $p }
sub quote_path { my ($p) = @_; return $p =~ /[\s"']/ ? '"' . ($p =~ s/"/\\"/gr) . '"' : $p }

package Civic::ApacheConf::Out;

sub new { bless { text => '', lines => [] }, $_[0] }
sub line {
    my ($self, $text, $source) = @_;
    $self->{text} .= "$text\n";
    push @{ $self->{lines} }, $source;
}
sub text  { $_[0]{text} }
sub lines { $_[0]{lines} }

1;
