# civic_calendar blocks: what nginx -t accepts, and errors that name the
# problem, the file and the line.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use Civic::Test;

sub config_with {
    my ($block, %extra) = @_;
    my $locations = $extra{locations} // 'location /calendars/ { civic_calendars; }';
    my $store = exists $extra{store} ? $extra{store} : 'civic_store %%STORE%% max_size=16m;';
    return <<"END";
    $store
$block
    server {
        listen %%ADDR%%;
        $locations
    }
END
}

my $good = <<'END';
    civic_calendar culture {
        title       fi "Kulttuuritapahtumat";
        title       sv "Kulturevenemang";
        title       en "Culture events";
        description fi "Turun kulttuuritapahtumat";
        languages   fi sv en;
        timezone    Europe/Helsinki;
        refresh     6h;
        organizer   mailto:tapahtumat@example.org;
    }
    civic_calendar sports {
        languages fi;
        timezone  UTC;
    }
END

my $t = Civic::Test->new(http => config_with($good));
my ($rc, $out) = $t->test_config;
is($rc, 0, 'a full civic_calendar block passes nginx -t') or diag($out);

my $conf = $t->conf_file;

# A mistake found at the end of a block is at its "}"; Apache keeps no line
# for the end of a section (</CivicCalendar>): mod_civic names its first.
my $block_end = Civic::Test::apache() ? qr/civic_calendar x \{/ : qr/^\s*\}/;

# [block, the line of the config the error is on (a regexp of that line's text), message]
my @cases = (
    ["    civic_calendar x {\n        languages fi;\n        timezone Europe/Turku;\n    }",
     qr/timezone Europe\/Turku/, qr/"Europe\/Turku" is not a time zone of the system tz database/],
    ["    civic_calendar x {\n        languages fi;\n        timezone UTC;\n        colour red;\n    }",
     qr/colour red/, qr/unknown setting "colour"; the settings of a civic_calendar are: title, description, languages, timezone, refresh, organizer/],
    # Typos and a missing ";" (issue 12).
    ["    civic_calendar x {\n        languages fi;\n        timezon UTC;\n    }",
     qr/timezon UTC/, qr/unknown setting "timezon" \(did you mean "timezone"\?\)/],
    ["    civic_calendar x {\n        languages fi\n        timezone UTC;\n    }",
     qr/timezone UTC/, qr/"languages": "timezone" is not a language tag \(such as fi, sv, en\); is a ";" missing after "languages fi"\?/],
    ["    civic_calendar x {\n        timezone UTC;\n    }",
     $block_end, qr/needs "languages"/],
    ["    civic_calendar x {\n        languages fi;\n    }",
     $block_end, qr/needs "timezone"/],
    ["    civic_calendar x {\n        languages fi fi;\n        timezone UTC;\n    }",
     qr/languages fi fi/, qr/"fi" is given twice/],
    ["    civic_calendar x {\n        languages fi;\n        timezone UTC;\n        refresh soon;\n    }",
     qr/refresh soon/, qr/"soon" is not a time/],
    ["    civic_calendar x {\n        languages fi;\n        timezone UTC;\n        refresh 5s;\n    }",
     qr/refresh 5s/, qr/between 1m and 30d/],
    ["    civic_calendar x {\n        languages fi;\n        timezone UTC;\n        title Finnish \"x\";\n    }",
     qr/title Finnish/, qr/not a language tag/],
    ["    civic_calendar x {\n        languages fi;\n        timezone UTC;\n        title sv \"x\";\n    }",
     $block_end, qr/title in "sv", which is not one of its languages/],
    ["    civic_calendar x {\n        languages fi;\n        timezone UTC;\n        organizer events\@example.org;\n    }",
     qr/organizer events/, qr/not a mailto:, http: or https: address/],
    ["    civic_calendar Culture {\n        languages fi;\n        timezone UTC;\n    }",
     qr/civic_calendar Culture/, qr/a name is 1 to 64 of a-z/],
    ["    civic_calendar x {\n        languages fi;\n        timezone UTC;\n    }\n    civic_calendar x {\n        languages fi;\n        timezone UTC;\n    }",
     qr/civic_calendar x \{/, qr/civic_calendar "x" is duplicate/],
    ["    civic_calendar x {\n        languages fi;\n        timezone UTC;\n        inner { }\n    }",
     qr/inner \{/, qr/unexpected "\{"/, "nginx's syntax: a block where none is allowed"],
);

for my $case (@cases) {
    my ($block, $line_re, $message_re, $nginx_only) = @$case;
    SKIP: {
    skip "nginx only: $nginx_only", 4 if $nginx_only && Civic::Test::apache();
    $t->set_config(http => config_with($block));
    ($rc, $out) = $t->test_config;
    isnt($rc, 0, "nginx -t fails: $message_re");
    like($out, $message_re, 'the message says what is wrong');
    # The error names the configuration file and the line (under Apache, the
    # line of the nginx configuration the named line was translated from).
    my ($file, $line) = $t->config_error_at($out);
    is($file, $conf, 'it names the file');
    my @lines = $t->config_lines;
    my $line_text = defined $line ? $lines[$line - 1] // '' : '';
    like($line_text, $line_re, "it names the line ($line_text)");
    }
}

# civic_calendars needs a store.
$t->set_config(http => config_with("    civic_calendar x {\n        languages fi;\n        timezone UTC;\n    }", store => ''));
($rc, $out) = $t->test_config;
isnt($rc, 0, 'civic_calendars without civic_store fails');
like($out, qr/need "(?:civic_store|CivicStore)"/, 'and says so (under Apache, in its own words)');

# Only in http{}.
SKIP: {
skip "nginx only: a civic_calendar block in a location{} (<CivicCalendar> is Apache's server configuration)", 2
    if Civic::Test::apache();
$t->set_config(http => config_with('', locations => "location / {\n civic_calendar y { languages fi; timezone UTC; }\n }"));
($rc, $out) = $t->test_config;
isnt($rc, 0, 'civic_calendar inside a location fails');
like($out, qr/"civic_calendar" directive is not allowed here/, 'nginx says where it is allowed');
}

# A good configuration starts, and its calendars are listed.
$t->set_config(http => config_with($good));
$t->start;
my $r = $t->get('/calendars/');
is($r->{status}, 200, 'the calendars are listed');
like($r->{content}, qr/"name":"culture".*"name":"sports"/s, 'both, in configuration order');

done_testing;
