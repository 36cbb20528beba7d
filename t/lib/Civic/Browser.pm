package Civic::Browser;

# A browser with JavaScript off, as far as civic's pages need one: it keeps
# cookies (unless told not to), follows 303 redirects with a GET, and posts
# a page's form with its hidden inputs and the button pressed, as a browser
# would. Each page it got is kept, so that a test can go "back" to one and
# post it again, as the browser's Back button and a second click do.
#
#   my $b = Civic::Browser->new($t);
#   my $page = $b->get('/forms/permit?lang=en');
#   $page = $b->submit(fields => [name => 'Liisa'], action => 'continue');

use strict;
use warnings;

use Civic::Forms qw(urlencode multipart);

sub new {
    my ($class, $t, %o) = @_;
    return bless { t => $t, cookies => {}, no_cookies => $o{no_cookies} ? 1 : 0, page => undef,
                   origin => $o{origin} }, $class;
}

sub cookies { $_[0]{cookies} }
sub page    { $_[0]{page} }      # the last answer (HTTP::Tiny's hash, plus url)

sub _headers {
    my ($self, %extra) = @_;
    my %h = %extra;
    my @c = map { "$_=$self->{cookies}{$_}" } sort keys %{ $self->{cookies} };
    $h{Cookie} = join('; ', @c) if @c;
    return \%h;
}

sub _keep_cookies {
    my ($self, $r) = @_;
    return if $self->{no_cookies};
    my $set = $r->{headers}{'set-cookie'} // return;
    for my $line (ref $set ? @$set : ($set)) {
        my ($name, $value) = $line =~ /^([^=;\s]+)=([^;]*)/ or next;
        if ($line =~ /Max-Age=0/i || $value eq '') { delete $self->{cookies}{$name} }
        else { $self->{cookies}{$name} = $value }
    }
}

sub _answer {
    my ($self, $r, $url, $follow) = @_;
    $self->_keep_cookies($r);
    $r->{url} = $url;
    if ($follow && $r->{status} == 303) {
        my $to = $r->{headers}{location};
        $to =~ s{^https?://[^/]+}{};
        my $next = $self->get($to);
        $next->{redirected_from} = $r;
        return $next;
    }
    $self->{page} = $r;
    return $r;
}

sub get {
    my ($self, $path) = @_;
    my $r = $self->{t}->get($path, headers => $self->_headers);
    return $self->_answer($r, $path, 0);
}

sub decode_entities {
    my ($s) = @_;
    $s =~ s/&quot;/"/g; $s =~ s/&#39;/'/g; $s =~ s/&lt;/</g; $s =~ s/&gt;/>/g; $s =~ s/&amp;/&/g;
    return $s;
}

# The post forms of a page: [{action, inputs => [name, value, ...]}], the
# hidden inputs of each (what a browser sends whatever is typed).
sub forms_of {
    my ($html) = @_;
    my @forms;
    while ($html =~ m{<form\b([^>]*)>(.*?)</form>}sg) {
        my ($attrs, $inner) = ($1, $2);
        my ($action) = $attrs =~ /action="([^"]*)"/;
        my @inputs;
        while ($inner =~ m{<input\b([^>]*)>}sg) {
            my $a = $1;
            next unless $a =~ /type="hidden"/;
            my ($n) = $a =~ /name="([^"]*)"/;
            my ($v) = $a =~ /value="([^"]*)"/;
            push @inputs, decode_entities($n), decode_entities($v // '');
        }
        push @forms, { action => decode_entities($action // ''), inputs => \@inputs,
                       multipart => $attrs =~ /multipart/ ? 1 : 0 };
    }
    return @forms;
}

# submit(fields => [name => value, ... (file: {filename, type, content})],
#        action => 'continue'|'back'|'save'|'submit'|'email_link',
#        page => an earlier page (default: the last one), form => index,
#        follow => 0 (do not follow a 303), headers => {...}, drop => [names])
sub submit {
    my ($self, %o) = @_;
    my $page = $o{page} // $self->{page};
    my @forms = forms_of($page->{content});
    my $form = $forms[$o{form} // 0] or die "no form on the page\n";
    my %drop = map { $_ => 1 } @{ $o{drop} || [] };
    my @pairs;
    my @inputs = @{ $form->{inputs} };
    while (my ($n, $v) = splice(@inputs, 0, 2)) { push @pairs, $n, $v unless $drop{$n} }
    push @pairs, @{ $o{fields} || [] };
    push @pairs, _action => $o{action} if defined $o{action};
    my $has_file = grep { ref } @pairs;
    my ($body, $type);
    if ($form->{multipart} || $has_file) {
        my $boundary = 'civicBrowser' . int(rand(1e9));
        $body = multipart($boundary, @pairs);
        $type = "multipart/form-data; boundary=$boundary";
    } else {
        $body = urlencode(@pairs);
        $type = 'application/x-www-form-urlencoded';
    }
    my %h = (%{ $o{headers} || {} }, 'Content-Type' => $type);
    $h{Origin} = $self->{origin} if $self->{origin};
    my $r = $self->{t}->post($form->{action}, headers => $self->_headers(%h), content => $body);
    $r->{posted} = { %o, page => $page };
    return $self->_answer($r, $form->{action}, $o{follow} // 1);
}

1;
