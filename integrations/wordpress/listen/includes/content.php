<?php
/**
 * What is sent for a post: its rendered content as a small HTML page, with its title, author,
 * date and permalink, and without the parts that are not to be read.
 *
 * @package Listen
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * The page our server reads for one post.
 */
class Listen_Content {

	/**
	 * True while a post's content is rendered to be sent: the player must not put itself in it.
	 *
	 * @var bool
	 */
	public static $building = false;

	/**
	 * The post's stable source: its permalink, which is the same for every version of the post.
	 *
	 * Drafts have no permalink yet; only published posts are ever sent.
	 *
	 * @param WP_Post $post The post.
	 * @return string
	 */
	public static function source( $post ) {
		return (string) get_permalink( $post );
	}

	/**
	 * The HTML page for a post: headline, byline, date and the rendered body.
	 *
	 * @param WP_Post $post The post.
	 * @return string
	 */
	public static function page( $post ) {
		// Blocks and shortcodes read the global post: in WP-Cron there is none until it is set.
		$previous        = $GLOBALS['post'] ?? null;
		$GLOBALS['post'] = $post;
		setup_postdata( $post );
		self::$building = true;
		try {
			$body = apply_filters( 'the_content', $post->post_content );
		} finally {
			self::$building  = false;
			$GLOBALS['post'] = $previous;
			if ( $previous ) {
				setup_postdata( $previous );
			}
		}
		$body   = self::without_skipped( $body, Listen_Settings::get( 'exclude_class' ) );
		$title  = esc_html( self::plain( get_the_title( $post ) ) );
		$author = esc_html( get_the_author_meta( 'display_name', $post->post_author ) );
		$date   = esc_attr( get_post_time( 'c', true, $post ) );
		$shown  = esc_html( get_the_date( '', $post ) );
		$link   = esc_url( self::source( $post ) );
		$site   = esc_attr( self::plain( get_bloginfo( 'name' ) ) );
		$lang   = esc_attr( get_bloginfo( 'language' ) );
		return "<!DOCTYPE html>\n<html lang=\"$lang\"><head><meta charset=\"utf-8\"><title>$title</title>"
			. "<link rel=\"canonical\" href=\"$link\"><meta name=\"author\" content=\"$author\">"
			. "<meta property=\"og:site_name\" content=\"$site\"><meta property=\"article:published_time\" content=\"$date\">"
			. "</head><body><article><header><h1>$title</h1><p class=\"byline\">By <span class=\"author\">$author</span>, "
			. "<time datetime=\"$date\">$shown</time></p></header>\n$body\n</article></body></html>";
	}

	/**
	 * Text as shown (the title's filters turn quotes into entities such as &#8217;), without tags.
	 *
	 * @param string $html A title or name as WordPress displays it.
	 * @return string
	 */
	private static function plain( $html ) {
		return html_entity_decode( wp_strip_all_tags( (string) $html ), ENT_QUOTES | ENT_HTML5, 'UTF-8' );
	}

	/**
	 * Remove elements marked data-listen-skip or carrying one of the excluded classes.
	 *
	 * The server leaves out data-listen-skip too; the classes are this site's own choice.
	 *
	 * @param string $html    Rendered post content.
	 * @param string $classes Space-separated class names.
	 * @return string
	 */
	public static function without_skipped( $html, $classes ) {
		if ( '' === trim( $html ) || ! class_exists( 'DOMDocument' ) ) {
			return $html;
		}
		$doc      = new DOMDocument();
		$previous = libxml_use_internal_errors( true );
		// The wrapper keeps the fragment's encoding (UTF-8) and gives one root to read it back from.
		$doc->loadHTML( '<?xml encoding="utf-8"?><div id="listen-root">' . $html . '</div>', LIBXML_HTML_NOIMPLIED | LIBXML_HTML_NODEFDTD );
		libxml_clear_errors();
		libxml_use_internal_errors( $previous );
		$xpath = new DOMXPath( $doc );
		$tests = array( '@data-listen-skip' );
		foreach ( preg_split( '/\s+/', trim( $classes ) ) as $class ) {
			if ( '' !== $class ) {
				$tests[] = "contains(concat(' ', normalize-space(@class), ' '), ' $class ')";
			}
		}
		foreach ( iterator_to_array( $xpath->query( '//*[' . implode( ' or ', $tests ) . ']' ) ) as $node ) {
			if ( $node->parentNode ) {
				$node->parentNode->removeChild( $node );
			}
		}
		$root = $doc->getElementById( 'listen-root' );
		if ( ! $root ) {
			return $html;
		}
		$out = '';
		foreach ( $root->childNodes as $child ) {
			$out .= $doc->saveHTML( $child );
		}
		return $out;
	}
}
