# civic_form blocks as `nginx -t` sees them: the SPEC's example is accepted,
# and every kind of mistake fails with the file, the line and the reason.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use Civic::Test;
use Civic::Forms qw(feedback_form);

my $t = Civic::Test->new(http => '');

sub config_with {
    my ($form) = @_;
    $t->set_config(http => <<"END");
    civic_store %%STORE%%;
$form
    server {
        listen %%ADDR%%;
        location /forms/ { civic_forms; }
    }
END
    return $t->test_config;
}

my ($rc, $out) = config_with(feedback_form());
is($rc, 0, 'the SPEC example form passes nginx -t') or diag($out);

my $conf = $t->conf_file;
# Each case: the form block, the line in it to blame (1 = "civic_form" line),
# and the message.
my @cases = (
    [ "field a colour { }", 3, qr/unknown type "colour"/ ],
    [ "field a text { colour red; }", 3, qr/field "a": unknown setting "colour"; the settings of a field are: required, required_if, show_if, label, help, min_length, max_length, min, max, pattern, pattern_message, option, multiple, max_size, accept, default, country/ ],
    # Typos and a missing ";" are named as such (issue 12).
    [ "field a text {\n maxlength 200;\n }", 4, qr/field "a": unknown setting "maxlength" \(did you mean "max_length"\?\)/ ],
    # (nginx is at the line of the ";" it read: the line after the one missing it)
    [ "field a text {\n max_length 200\n label en \"Name\";\n }", 5,
      qr/field "a": "max_length" takes one value; is a ";" missing after "max_length 200"\?/ ],
    [ "field a text {\n label en \"Name\"\n required;\n }", 5,
      qr/label takes a language and a text, as in: label en "..."; is a ";" missing after "label en Name"\?/ ],
    [ "field a text {\n retention 30d;\n }", 4, qr/field "a": "retention" is a setting of the form: write it outside the field's block/ ],
    [ "required;\n field a text { }", 3, qr/"required" is a setting of a field: write it inside field NAME TYPE \{ ... \}/ ],
    [ "retention 30d\n receipt_prefix PAL;\n field a text { }", 4,
      qr/retention takes a duration, as in: retention 30d; \(or: retention 10m short;\); is a ";" missing after "retention 30d"\?/ ],
    [ "field a text {\n pattern \"^[0-9{5}\$\";\n }", 4, qr/field "a": pattern "\^\[0-9\{5\}\$" does not compile: missing terminating \]/ ],
    [ "field a text { }\n field b text {\n required_if nothing=x;\n }", 5,
      qr/field "b": required_if names the field "nothing", which this form does not have/ ],
    [ "field a text { }\n field a text { }", 4, qr/duplicate field "a"/ ],
    [ "field a select {\n option x;\n }", 4, qr/option "x" has no label in the form's languages/ ],
    [ "field a select {\n option x de \"X\";\n }", 4, qr/option "x" in "de": not one of the form's languages \(fi en\)/ ],
    [ "field a text { option x en \"X\"; }", 3, qr/"option" does not apply to a text field/ ],
    [ "field a text;", 3, qr/directive "field" has no opening "\{"|"field a text" needs its settings in a section: <CivicField a text> ... <\/CivicField>/ ],
    [ "title en;\n field a text { }", 3, qr/title takes a language and a text/ ],
    [ "field a text { required; required; }", 3, qr/duplicate "required"/ ],
    [ "confirm redirect=javascript:x;\n field a text { }", 3, qr/confirm redirect= needs a path/ ],
    # nginx's time units: "3m" is minutes, a bare number seconds (issue 12).
    [ "retention 3m;\n field a text { }", 3,
      qr/retention "3m" is 3 minutes \(nginx's units: s seconds, m minutes, h hours, d days, w weeks, y years; no unit: seconds\); write "retention 30d;" for 30 days, or add "short" if under an hour is meant/ ],
    [ "retention 90;\n field a text { }", 3, qr/retention "90" is 90 seconds/ ],
    [ "timezone Mars/Olympus;\n field a text { }", 3, qr/timezone "Mars\/Olympus" is not a time zone name such as Europe\/Helsinki/ ],
    [ "country XX;\n field a text { }", 3, qr/country "XX" is not one civic knows \(FI, SE, DK or NO\)/ ],
    [ "json_submissions maybe;\n field a text { }", 3, qr/json_submissions takes off, token or on/ ],
    # A typo of a form-level word: nginx's "unknown directive", then the known settings.
    [ "retenton 30d;\n field a text { }", 3,
      qr/civic_form "f": unknown setting "retenton" \(did you mean "retention"\?\); the settings of a form are: title, description, languages, retention/ ],
    [ "retention 3m later;\n field a text { }", 3, qr/retention takes a duration, as in: retention 30d;/ ],
    # Multi-step forms (issue 15).
    [ "field a text { }\n step s { fields a zz; }", 4, qr/step "s": names the field "zz", which this form does not have/ ],
    [ "field a text { }\n field b text { }\n step s { fields a; }", 4,
      qr/field "b" is in no step: once a form has steps, every field but hidden ones is listed in one step's fields/ ],
    [ "prefill a from=query;\n field a consent { }", 3,
      qr/prefill: field "a" cannot be filled from a URL: consent is given actively/ ],
    [ "check_answers on;\n field a text { }", 3, qr/check_answers on needs step blocks/ ],
    [ "field a text { }\n step s {\n feilds a;\n }", 5, qr/step "s": unknown setting "feilds" \(did you mean "fields"\?\)/ ],
);
($rc, $out) = config_with(<<'END');
    civic_form steps {
        languages fi en;
        check_answers on;
        save_and_return on ttl=14d;
        max_drafts 1000;
        prefill kind from=query;
        field kind radios { required; option a en "A"; option b en "B"; }
        field note text { show_if kind!=a; }
        field hidden_source hidden { default web; }
        step first { title en "First"; fields kind; }
        step second { title en "Second"; show_if kind=a,b; fields note; }
    }
END
is($rc, 0, 'a multi-step form passes nginx -t') or diag($out);

for my $case (@cases) {
    my ($body, $line, $re) = @$case;
    my $block = "    civic_form f {\n languages fi en;\n $body\n }";
    ($rc, $out) = config_with($block);
    isnt($rc, 0, "nginx -t fails: $re");
    # The form block starts at the line of "civic_form" in the generated file
    # (under Apache: in the nginx configuration its file is translated from).
    my @lines = $t->config_lines;
    my ($start) = grep { $lines[$_] =~ /civic_form f \{/ } 0 .. $#lines;
    my $expected_line = $start + $line;
    my ($file, $at) = $t->config_error_at($out);
    like($out, Civic::Test::config_error_re($re), "... with the reason") or diag($out);
    is(($file // '?') . ':' . ($at // '?'), "$conf:$expected_line", "... the file and line $expected_line")
        or diag($out);
}

# A short retention written as meant.
($rc, $out) = config_with("    civic_form f {\n languages en;\n retention 10m short;\n field a text { }\n }");
is($rc, 0, 'retention 10m short is taken') or diag($out);
($rc, $out) = config_with("    civic_form f {\n languages en;\n retention 3600;\n field a text { }\n }");
is($rc, 0, 'an hour or more needs no "short"') or diag($out);

# A form without languages, with no fields; a setting outside a form.
($rc, $out) = config_with("    civic_form f { field a text { } }");
like($out, qr/civic_form "f": needs "languages"/, 'a form needs languages');
($rc, $out) = config_with("    civic_form f { languages en; }");
like($out, qr/civic_form "f": has no fields/, 'a form needs fields');
SKIP: {
    skip "nginx only: a field's setting in http{} (nginx's \"not allowed here\")", 1 if Civic::Test::apache();
    ($rc, $out) = config_with("    label en \"x\";");
    like($out, qr/"label" directive is not allowed here/, 'field settings exist only in field blocks');
}
($rc, $out) = config_with("    civic_form f { languages en; field a text { } }\n    civic_form f { languages en; field a text { } }");
like($out, qr/civic_form "f" is defined twice/, 'a form name is used once');

# The layout directive: a file without {{form}} is refused.
open my $fh, '>', $t->prefix . '/conf/bad-layout.html' or die;
print $fh "<html><body>nothing here</body></html>";
close $fh;
($rc, $out) = config_with("    civic_form_layout bad-layout.html;\n    civic_form f { languages en; field a text { } }");
like($out, qr/civic_form_layout ".*bad-layout.html": the layout must mark the place of the form or calendar with \{\{form\}\} \(or \{\{content\}\}\) exactly once/,
     'a layout needs {{form}}');
($rc, $out) = config_with("    civic_form_layout missing.html;\n    civic_form f { languages en; field a text { } }");
like($out, qr/civic_form_layout: cannot read ".*missing.html"/, 'a missing layout file is reported');

done_testing;
